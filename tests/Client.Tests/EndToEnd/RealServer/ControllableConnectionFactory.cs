using System.Net.WebSockets;
using ChatResilience.Client.Transport;
using ChatResilience.Protocol.Connections;

namespace ChatResilience.Client.Tests.EndToEnd.RealServer;

/// <summary>
/// The real WebSocket factory with a switch for the network: while offline every attempt fails as a lost
/// network would, and <see cref="DropCurrentAsync"/> cuts the live connection without a close frame.
/// </summary>
internal sealed class ControllableConnectionFactory : IFrameConnectionFactory
{
    private readonly WebSocketConnectionFactory _inner = new();
    private IFrameConnection? _current;

    public volatile bool Online = true;

    public int Attempts;

    public async Task<IFrameConnection> ConnectAsync(Uri uri, string? bearerToken, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Attempts);
        if (!Online)
        {
            throw new WebSocketException(WebSocketError.Faulted, "network is down (test)");
        }

        var connection = await _inner.ConnectAsync(uri, bearerToken, cancellationToken);
        _current = connection;
        return connection;
    }

    public async Task DropCurrentAsync()
    {
        if (_current is { } c)
        {
            await c.DisposeAsync();
        }
    }
}
