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
    private readonly BenchChildProcess _child;

    private MeasurementServerProcess(BenchChildProcess child, Uri webSocketUri)
    {
        _child = child;
        WebSocketUri = webSocketUri;
    }

    public Uri WebSocketUri { get; }

    public static async Task<MeasurementServerProcess> StartAsync(string signingKey)
    {
        var (child, ready) = await BenchChildProcess.StartAsync(["load", "client-memory-server", signingKey], Marker, stopWait: TimeSpan.FromSeconds(20));
        return new MeasurementServerProcess(child, new Uri(ready));
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

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
