using ChatResilience.Chaos;
using ChatResilience.Chaos.Proxy;

// Standalone embedded Toxiproxy: dotnet run --project chaos -- --host 127.0.0.1 --port 8474 [--seed N]
if (!CommandLine.TryParse(args, out var options, out var error))
{
    await Console.Error.WriteLineAsync(error);
    await Console.Error.WriteLineAsync(CommandLine.Usage);
    return 64;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    shutdown.Cancel();
};

await using var proxy = await EmbeddedToxiproxy.StartAsync(options, TimeProvider.System, loggerFactory, shutdown.Token);
await Console.Out.WriteLineAsync($"embedded toxiproxy API on {proxy.ApiUri} (seed {proxy.Seed}); Ctrl+C stops");
try
{
    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, shutdown.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C.
}

return 0;
