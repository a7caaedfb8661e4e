using System.Runtime.InteropServices;
using ChatResilience.Simulator.Cli;

// Ctrl-C (SIGINT) and SIGTERM stop the run cleanly: the runner winds down, stops its worker and server processes,
// and a partial report is still written. SIGTERM is what CI runners, `timeout` and `docker stop` send. Without this
// registration the web hosts inside chatsim (the coordinator's API, the embedded server) took SIGTERM for their own
// and swallowed it, so a run went on to its end.
using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

return await ChatSimApp.MainAsync(args, Console.Out, Console.Error, stop.Token);
