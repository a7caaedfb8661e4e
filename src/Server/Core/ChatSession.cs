using System.Threading.Channels;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Compression;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Server.Core;

/// <summary>
/// One connection's session: handshake, then a single receive loop that decides every frame in order,
/// a writer task that drains the outbound queue (control first), a reply pump that sends settlements in
/// seq order once they are durable, and a heartbeat loop on the <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class ChatSession
{
    private readonly ChatServerCore _core;
    private readonly IFrameConnection _connection;
    private readonly AuthIdentity? _preAuthenticated;
    private readonly FrameTranscoder _transcoder;
    private readonly OutboundQueue _queue;
    private readonly Channel<ValueTask<Frame?>> _replies;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationTokenSource _receive = new();
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _stateLock = new();
    private readonly ILogger _logger;
    private SessionState _state = SessionState.AwaitingHello;
    private long _lastReceived;
    private long _expiresAtMs;
    private int _closeStarted;
    private int _repliesOutstanding;
    private Task _writer = Task.CompletedTask;
    private Task _pump = Task.CompletedTask;
    private Task _heartbeat = Task.CompletedTask;
    private ClientSettlement? _settlement;
    private TimeProviderTokenBucket? _bucket;

    public ChatSession(ChatServerCore core, IFrameConnection connection, AuthIdentity? preAuthenticated, string sessionId)
    {
        _core = core;
        _connection = connection;
        _preAuthenticated = preAuthenticated;
        SessionId = sessionId;
        var options = core.Options;
        var policy = options.CompressionThresholdBytes == 0 ? CompressionPolicy.Off : new CompressionPolicy { ThresholdBytes = options.CompressionThresholdBytes };
        _transcoder = new FrameTranscoder(options.ToFrameLimits(), policy);
        _queue = new OutboundQueue(options.OutboundQueueMessages, options.OutboundQueueBytes, options.ControlQueueFrames);
        // Synchronous continuations: the pump runs on the thread that wrote the reply (the receive loop, or the
        // commit's completion), and an ack that is already settled is written without a thread-pool hand-off.
        _replies = Channel.CreateBounded<ValueTask<Frame?>>(new BoundedChannelOptions((options.MaxInFlight * 2) + 64) { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        _logger = core.Logger;
        _lastReceived = core.Time.GetTimestamp();
    }

    public string SessionId { get; }

    public string UserId { get; private set; } = "";

    public string ClientId { get; private set; } = "";

    public int QueuedMessages => _queue.MessageCount;

    internal SessionState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>Runs the session until the connection ends. Never throws for anything the peer does.</summary>
    public async Task RunAsync()
    {
        try
        {
            _writer = WriteLoopAsync();
            if (!await HandshakeAsync())
            {
                return;
            }

            _pump = PumpRepliesAsync();
            _heartbeat = HeartbeatLoopAsync();
            await ReceiveLoopAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CoreLog.SessionFailed(_logger, e, SessionId);
            await CloseAsync(CloseCodes.ServerError, "server error");
        }
        finally
        {
            await CleanupAsync();
        }
    }

    /// <summary>Closes the connection once with <paramref name="code"/>; later calls do nothing.</summary>
    public async Task CloseAsync(int code, string? reason)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0)
        {
            return;
        }

        Transition(SessionState.Closed);
        CoreLog.SessionClosed(_logger, SessionId, code, reason);
        try
        {
            await _connection.CloseAsync(code, reason);
        }
        catch (Exception e) when (e is ConnectionClosedException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone: nothing left to tell the peer.
        }

        _queue.Complete();

        // Give the peer a moment to answer the close, then stop reading regardless.
        _core.Observe(CancelReceiveLaterAsync(), "close-grace");
    }

    /// <summary>Graceful shutdown: stop taking frames, flush pending acks, close 1001 with a retry hint.</summary>
    public async Task ShutdownAsync(string reason)
    {
        if (!Transition(SessionState.Draining, SessionState.Open))
        {
            await CloseAsync(CloseCodes.GoingAway, reason);
            return;
        }

        _replies.Writer.TryComplete();
        var timeout = _core.Options.ShutdownFlushTimeout;
        try
        {
            await _pump.WaitAsync(timeout, _core.Time);
            _queue.Complete();
            await _writer.WaitAsync(timeout, _core.Time);
        }
        catch (TimeoutException)
        {
            // Flushing took too long: close anyway; unsettled sends are replayed after reconnect.
        }

        await CloseAsync(CloseCodes.GoingAway, reason);
    }

    /// <summary>Live traffic did not fit the bounded queue: close 4409 (the client resumes from its cursor).</summary>
    public void OnSlowConsumer()
    {
        if (Volatile.Read(ref _closeStarted) != 0)
        {
            return;
        }

        CoreLog.SlowConsumer(_logger, SessionId, _queue.MessageCount);
        _core.Metrics.SlowConsumerClosed();
        _core.Observe(CloseAsync(CloseCodes.SlowConsumer, "slow consumer"), "slow-consumer-close");
    }

    /// <summary>
    /// Queues a live frame. The sender's own, published to a room it <paramref name="shares"/> while its send settles on
    /// this thread, without a wake of its own (see <see cref="t_settling"/>).
    /// </summary>
    public bool TryEnqueueLive(byte[] json, bool shares) => _queue.TryEnqueueLive(_transcoder.Wrap(json), deferWake: shares && t_settling == this);

    public void EnqueueForced(byte[] json) => _queue.EnqueueForced(_transcoder.Wrap(json));

    public ValueTask EnqueueReplayAsync(byte[] json, CancellationToken cancellationToken) => _queue.EnqueueReplayAsync(_transcoder.Wrap(json), cancellationToken);

    private void EnqueueControl(Frame frame)
    {
        if (!_queue.TryEnqueueControl(_transcoder.Encode(frame)) && Volatile.Read(ref _closeStarted) == 0)
        {
            OnSlowConsumer();
        }
    }

    private void SendError(string code, string message, string? rid) =>
        EnqueueControl(new ErrorFrame { Code = code, Message = message, Ref = rid });

    private bool Transition(SessionState next, SessionState? expected = null)
    {
        lock (_stateLock)
        {
            if ((expected is { } e && _state != e) || _state == SessionState.Closed)
            {
                return false;
            }

            _state = next;
            return true;
        }
    }

    private long NowMs => _core.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task CancelReceiveLaterAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), _core.Time, _lifetime.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await _receive.CancelAsync();
    }

    private async Task WriteLoopAsync()
    {
        // The queue wakes its writer without a cancellation token (no registration per frame); ending the
        // session's lifetime completes the queue instead, and a pending send sees the token.
        using var stop = _lifetime.Token.UnsafeRegister(static q => ((OutboundQueue)q!).Complete(), _queue);
        try
        {
            while (await _queue.DequeueAsync() is { } message)
            {
                await _connection.SendAsync(message, _lifetime.Token);
                _core.Metrics.FrameOut();
            }
        }
        catch (Exception e) when (e is ConnectionClosedException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended; the receive loop notices and cleans up.
        }
    }

    private async Task PumpRepliesAsync()
    {
        await foreach (var reply in _replies.Reader.ReadAllAsync())
        {
            Frame? frame;
            try
            {
                frame = await reply;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                CoreLog.SessionFailed(_logger, e, SessionId);
                Interlocked.Decrement(ref _repliesOutstanding);
                continue;
            }

            if (frame is not null)
            {
                EnqueueControl(frame);
            }

            // After the enqueue: the receive loop may now bypass the pump (see SettleAsync).
            Interlocked.Decrement(ref _repliesOutstanding);
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        var time = _core.Time;
        var interval = _core.Options.HeartbeatInterval;
        var lastPing = time.GetTimestamp();
        try
        {
            while (!_lifetime.IsCancellationRequested)
            {
                var now = time.GetTimestamp();
                var silence = time.GetElapsedTime(Volatile.Read(ref _lastReceived), now);
                if (silence >= 2 * interval)
                {
                    CoreLog.HeartbeatTimeout(_logger, SessionId, (long)silence.TotalMilliseconds);
                    await CloseAsync(CloseCodes.HeartbeatTimeout, "heartbeat timeout");
                    return;
                }

                var nowMs = NowMs;
                var expiresAt = Volatile.Read(ref _expiresAtMs);
                if (nowMs >= expiresAt)
                {
                    await CloseAsync(CloseCodes.Unauthorized, "token expired");
                    return;
                }

                var sincePing = time.GetElapsedTime(lastPing, now);
                if (sincePing >= interval)
                {
                    EnqueueControl(new PingFrame { Ts = nowMs });
                    lastPing = now;
                    sincePing = TimeSpan.Zero;
                }

                var untilExpiry = TimeSpan.FromMilliseconds(Math.Min(expiresAt - nowMs, (long)interval.TotalMilliseconds));
                var next = Min(interval - sincePing, (2 * interval) - silence, untilExpiry);
                await Task.Delay(next < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : next, time, _lifetime.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Session over.
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b, TimeSpan c) => a < b ? (a < c ? a : c) : (b < c ? b : c);

    private async Task CleanupAsync()
    {
        Transition(SessionState.Closed);
        _core.Unregister(this);
        List<Subscription> subs;
        lock (_subscriptions)
        {
            subs = [.. _subscriptions.Values];
            _subscriptions.Clear();
        }

        foreach (var s in subs)
        {
            EndSubscription(s);
        }

        if (_connection.CloseInfo is null)
        {
            await CloseAsync(CloseCodes.Normal, null);
        }

        _queue.Complete();
        _replies.Writer.TryComplete();
        await _lifetime.CancelAsync();
        await Task.WhenAll(_writer, _pump, _heartbeat).WaitAsync(TimeSpan.FromSeconds(10), _core.Time).ContinueWith(static _ => { }, TaskScheduler.Default);
        await _connection.DisposeAsync();
    }

    private void EndSubscription(Subscription s)
    {
        s.End();
        s.Hub.Unsubscribe(s);
        _core.ReplayGuard.Unregister(s);
    }
}
