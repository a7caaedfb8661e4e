namespace ChatResilience.Protocol.Connections;

/// <summary>
/// A bidirectional stream of frames: the seam between protocol logic (client, server core, simulator)
/// and the transport (a WebSocket, or an in-process pair). Sends may be called from one thread at a time
/// per connection or concurrently — implementations serialise them; receive is single-reader.
/// </summary>
public interface IFrameConnection : IAsyncDisposable
{
    /// <summary>Sends one message. Throws <see cref="ConnectionClosedException"/> once the connection is closed.</summary>
    ValueTask SendAsync(WireMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// The next message, or null once the connection is closed (<see cref="CloseInfo"/> then says how).
    /// Throws <see cref="ProtocolException"/> <c>too_large</c> for a message past the connection's frame limit.
    /// </summary>
    ValueTask<WireMessage?> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Closes with a code and reason (PROTOCOL.md §7); idempotent.</summary>
    ValueTask CloseAsync(int code, string? reason, CancellationToken cancellationToken = default);

    /// <summary>Null while open; how it ended once closed by either side.</summary>
    CloseInfo? CloseInfo { get; }
}

/// <summary>Thrown by <see cref="IFrameConnection.SendAsync"/> after the connection has closed.</summary>
public sealed class ConnectionClosedException : Exception
{
    public ConnectionClosedException()
        : base("the connection is closed")
    {
    }

    public ConnectionClosedException(string message)
        : base(message)
    {
    }

    public ConnectionClosedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
