using System.Diagnostics;
using ChatResilience.Server;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Bench.Client;

/// <summary>
/// The real chat server in a child process (this same bench executable, <c>load client-memory-server</c>), so
/// that the client-side measurement counts none of the server's memory. The child prints its WebSocket URI
/// and stops when its standard input closes, so it never outlives the measuring process.
/// </summary>
internal sealed class MeasurementServerProcess : IAsyncDisposable
{
    private const string Marker = "client-memory-server listening on ";
    private readonly Process _process;
    private readonly Task _drain;

    private MeasurementServerProcess(Process process, Uri webSocketUri, Task drain)
    {
        _process = process;
        _drain = drain;
        WebSocketUri = webSocketUri;
    }

    public Uri WebSocketUri { get; }

    public static async Task<MeasurementServerProcess> StartAsync(string signingKey)
    {
        var start = BenchProcess.StartInfo(["load", "client-memory-server", signingKey]);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server process");
        try
        {
            // The host logs to stdout too: skip to the marker line, then keep draining so the child never blocks.
            while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
            {
                if (line.StartsWith(Marker, StringComparison.Ordinal))
                {
                    var uri = new Uri(line[Marker.Length..].Trim());
                    return new MeasurementServerProcess(process, uri, process.StandardOutput.ReadToEndAsync());
                }
            }

            throw new InvalidOperationException("the server process exited without printing its URI");
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>The child's entry point: serve until standard input closes.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var options = new ChatServerHostOptions
        {
            Port = 0,
            SigningKey = args[0],
            EnableAssistant = false,
            Chat = new ChatServerOptions { MaxConnections = 100_000 },
        };
        await using var host = await ChatServerHost.StartAsync(options);
        Console.WriteLine(Marker + host.WebSocketUri);
        await Console.In.ReadToEndAsync();
        await host.StopAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        await _drain;
        _process.Dispose();
    }
}
