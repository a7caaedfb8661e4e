using System.Threading.Channels;

namespace ChatResilience.Protocol.Connections;

/// <summary>
/// An in-process connection pair over bounded channels: what one side sends the other receives, with
/// the same close semantics as a WebSocket (a close reaches the peer; dispose without close is 1006).
/// Bytes still pass through the codec, so in-process tests exercise the real wire format.
/// </summary>
public sealed class InMemoryFrameConnection : IFrameConnection
{
    private readonly Channel<WireMessage> _inbound;
    private readonly Channel<WireMessage> _outbound;
    private readonly int _maxFrameBytes;
    private InMemoryFrameConnection? _peer;
    private CloseInfo? _closeInfo;

    private InMemoryFrameConnection(Channel<WireMessage> inbound, Channel<WireMessage> outbound, int maxFrameBytes)
    {
        _inbound = inbound;
        _outbound = outbound;
        _maxFrameBytes = maxFrameBytes;
    }

    /// <summary>Creates two connected ends. <paramref name="capacity"/> bounds each direction's queue (default 1024).</summary>
    public static (InMemoryFrameConnection Client, InMemoryFrameConnection Server) CreatePair(int capacity = 1024, int maxFrameBytes = FrameLimits.DefaultMaxFrameBytes)
    {
        var options = new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait };
        var toServer = Channel.CreateBounded<WireMessage>(options);
        var toClient = Channel.CreateBounded<WireMessage>(options);
        var client = new InMemoryFrameConnection(toClient, toServer, maxFrameBytes);
        var server = new InMemoryFrameConnection(toServer, toClient, maxFrameBytes);
        client._peer = server;
        server._peer = client;
        return (client, server);
    }

    /// <inheritdoc />
    public CloseInfo? CloseInfo => Volatile.Read(ref _closeInfo);

    /// <inheritdoc />
    public async ValueTask SendAsync(WireMessage message, CancellationToken cancellationToken = default)
    {
        if (CloseInfo is not null)
        {
            throw new ConnectionClosedException();
        }

        try
        {
            await _outbound.Writer.WriteAsync(message, cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new ConnectionClosedException("the connection is closed", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<WireMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var message = await _inbound.Reader.ReadAsync(cancellationToken);
            if (message.Payload.Length > _maxFrameBytes)
            {
                throw new ProtocolException(ErrorCodes.TooLarge, $"message of {message.Payload.Length} bytes exceeds maxFrameBytes ({_maxFrameBytes})");
            }

            return message;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask CloseAsync(int code, string? reason, CancellationToken cancellationToken = default)
    {
        Close(new CloseInfo(code, reason, ClosedByPeer: false));
        return ValueTask.CompletedTask;
    }

    /// <summary>Drops the connection without a close frame: the peer sees 1006, like a reset socket.</summary>
    public void Abort() => Close(new CloseInfo(CloseInfo.AbnormalClosure, "aborted", ClosedByPeer: false));

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Abort();
        return ValueTask.CompletedTask;
    }

    private void Close(CloseInfo info)
    {
        if (Interlocked.CompareExchange(ref _closeInfo, info, null) is not null)
        {
            return;
        }

        // The peer learns how it ended before its reader can see the end of the stream.
        _peer?.OnPeerClosed(info with { ClosedByPeer = true });
        _outbound.Writer.TryComplete();
        _inbound.Writer.TryComplete();
    }

    private void OnPeerClosed(CloseInfo info)
    {
        if (Interlocked.CompareExchange(ref _closeInfo, info, null) is null)
        {
            // Messages already queued stay readable, as on a socket; then the reader sees the close.
            _inbound.Writer.TryComplete();
            _outbound.Writer.TryComplete();
        }
    }
}
