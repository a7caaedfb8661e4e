using ChatResilience.Simulator.Cli;

// Ctrl-C stops the run cleanly: the runner winds down and a partial report is still written.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await ChatSimApp.MainAsync(args, Console.Out, Console.Error, stop.Token);
