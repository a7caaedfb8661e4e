using System.Runtime.InteropServices;
using ChatResilience.Chaos;
using ChatResilience.Chaos.Proxy;
using Microsoft.AspNetCore.Connections;

// Standalone embedded Toxiproxy: dotnet run --project chaos -- --host 127.0.0.1 --port 8474 [--seed N]
// Exit codes: 0 stopped (Ctrl+C, SIGTERM), 64 bad arguments, 69 the port is taken.
const int ExitUnavailable = 69;
if (!CommandLine.TryParse(args, out var options, out var error))
{
    await Console.Error.WriteLineAsync(error);
    await Console.Error.WriteLineAsync(CommandLine.Usage);
    return 64;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
using var shutdown = new CancellationTokenSource();

// Ctrl+C, and SIGTERM as toxiproxy-server takes it (a container or service manager's stop). Without its own
// registration SIGTERM went to the web host's console lifetime, which only announces it, and the proxy kept running.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

EmbeddedToxiproxy proxy;
try
{
    proxy = await EmbeddedToxiproxy.StartAsync(options, TimeProvider.System, loggerFactory, shutdown.Token);
}
catch (IOException e) when (e.InnerException is AddressInUseException)
{
    await Console.Error.WriteLineAsync($"chaos: cannot listen on {options.Host}:{options.Port}: the port is in use (a toxiproxy-server already? choose another with --port N)");
    return ExitUnavailable;
}

await using (proxy)
{
    await Console.Out.WriteLineAsync($"embedded toxiproxy API on {proxy.ApiUri} (seed {proxy.Seed}); Ctrl+C or SIGTERM stops");
    try
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, shutdown.Token);
    }
    catch (OperationCanceledException)
    {
        // Ctrl+C or SIGTERM.
    }
}

return 0;
