using System.Buffers;
using System.Net.WebSockets;

namespace ChatResilience.Protocol.Connections;

/// <summary>
/// <see cref="IFrameConnection"/> over a <see cref="WebSocket"/> (client or server side). Sends are
/// serialised (a WebSocket allows one send at a time); a message larger than <c>maxFrameBytes</c> is
/// refused while it is being read, so a peer cannot make this side buffer more than the limit.
/// </summary>
public sealed class WebSocketFrameConnection : IFrameConnection
{
    private const int ReceiveChunkBytes = 4 * 1024;

    // Receive buffers are rented only while a message is being read (see ReceiveAsync). The shared pool keeps
    // a few arrays per thread and per core, and a receive rents on one thread and returns on another after its
    // awaits, so under load most rents missed and allocated; this pool is one bounded stack per size, shared
    // by every connection (at most 256 arrays of each size up to 64 KiB are kept; larger ones are not pooled),
    // and frames are mostly far smaller than one 4 KiB chunk.
    private static readonly ArrayPool<byte> ReceivePool = ArrayPool<byte>.Create(maxArrayLength: 64 * 1024, maxArraysPerBucket: 256);
    private readonly WebSocket _socket;
    private readonly int _maxFrameBytes;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private CloseInfo? _closeInfo;

    public WebSocketFrameConnection(WebSocket socket, int maxFrameBytes = FrameLimits.DefaultMaxFrameBytes)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _maxFrameBytes = maxFrameBytes;
    }

    /// <summary>The underlying socket's negotiated subprotocol.</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <inheritdoc />
    public CloseInfo? CloseInfo => Volatile.Read(ref _closeInfo);

    /// <inheritdoc />
    public async ValueTask SendAsync(WireMessage message, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (CloseInfo is not null || _socket.State != WebSocketState.Open)
            {
                throw new ConnectionClosedException();
            }

            await _socket.SendAsync(message.Payload, message.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            MarkClosed(new CloseInfo(CloseInfo.AbnormalClosure, e.Message, ClosedByPeer: true));
            throw new ConnectionClosedException("the connection is closed", e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <inheritdoc />
    // Pooled: a receive almost always waits for the next message, and each wait allocated this method's state
    // machine box (a few hundred bytes per frame on both sides); a connection has one receive at a time.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<WireMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        // Wait for the next message with a zero-byte receive, so an idle connection holds no buffer: with a
        // 16 KiB array rented for every pending receive, thousands of idle clients (or server sessions)
        // pinned 16 KiB each, far more than the shared pool keeps, so each was a fresh allocation.
        ValueWebSocketReceiveResult first;
        try
        {
            first = await _socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            MarkClosed(new CloseInfo(CloseInfo.AbnormalClosure, e.Message, ClosedByPeer: true));
            return null;
        }

        if (first.MessageType == WebSocketMessageType.Close)
        {
            await OnCloseReceivedAsync(cancellationToken);
            return null;
        }

        if (first.EndOfMessage)
        {
            return new WireMessage(Array.Empty<byte>(), first.MessageType == WebSocketMessageType.Binary);
        }

        var buffer = ReceivePool.Rent(ReceiveChunkBytes);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ReceivePool.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ReceivePool.Return(buffer);
                    buffer = bigger;
                }

                ValueWebSocketReceiveResult result;
                try
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                }
                catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
                {
                    MarkClosed(new CloseInfo(CloseInfo.AbnormalClosure, e.Message, ClosedByPeer: true));
                    return null;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await OnCloseReceivedAsync(cancellationToken);
                    return null;
                }

                length += result.Count;
                if (length > _maxFrameBytes)
                {
                    throw new ProtocolException(ErrorCodes.TooLarge, $"message exceeds maxFrameBytes ({_maxFrameBytes})");
                }

                if (result.EndOfMessage)
                {
                    return new WireMessage(buffer.AsSpan(0, length).ToArray(), result.MessageType == WebSocketMessageType.Binary);
                }
            }
        }
        finally
        {
            ReceivePool.Return(buffer);
        }
    }

    /// <inheritdoc />
    public async ValueTask CloseAsync(int code, string? reason, CancellationToken cancellationToken = default)
    {
        if (!MarkClosed(new CloseInfo(code, reason, ClosedByPeer: false)))
        {
            return;
        }

        // Close reasons are limited to 123 bytes by RFC 6455; a longer one is cut rather than refused.
        var safeReason = reason is { Length: > 120 } ? reason[..120] : reason;
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // CloseOutput: do not wait for the peer's close frame; the receive loop sees it if it comes.
                await _socket.CloseOutputAsync((WebSocketCloseStatus)code, safeReason, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            _socket.Abort();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        MarkClosed(new CloseInfo(CloseInfo.AbnormalClosure, "disposed", ClosedByPeer: false));
        _socket.Dispose();
        _sendLock.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask OnCloseReceivedAsync(CancellationToken cancellationToken)
    {
        var code = (int?)_socket.CloseStatus ?? 1005;
        MarkClosed(new CloseInfo(code, _socket.CloseStatusDescription, ClosedByPeer: true));
        try
        {
            if (_socket.State == WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            _socket.Abort();
        }
    }

    private bool MarkClosed(CloseInfo info) => Interlocked.CompareExchange(ref _closeInfo, info, null) is null;
}
