using ChatResilience.Client.Diagnostics;
using ChatResilience.Client.Session;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Client;

/// <summary>One connection: hello, welcome, the receive loop, liveness checks, and how it ended.</summary>
public sealed partial class ChatClient
{
    private const string ClosedByClient = "client closed";

    private async Task<SessionOutcome> RunSessionAsync(ConnectionSession s, string token)
    {
        var welcomed = false;
        var handshakeTimedOut = false;
        int? localCode = null;
        try
        {
            var helloAt = _time.GetTimestamp();
            await s.Connection.SendAsync(s.Transcoder.Encode(BuildHello(token, s)), s.Cts.Token);
            (var welcome, handshakeTimedOut) = await ReceiveWelcomeAsync(s);
            if (welcome is not null)
            {
                welcomed = true;
                OnWelcome(s, welcome, helloAt, token);
                s.Pump = PumpAsync(s);
                await ReceiveLoopAsync(s);
            }
        }
        catch (OperationCanceledException) when (s.Cts.IsCancellationRequested)
        {
            // Killed locally (dead connection) or the client is closing.
        }
        catch (ConnectionClosedException)
        {
            // The peer closed while we were sending; CloseInfo says how.
        }
        catch (ProtocolException e)
        {
            ClientLog.BadFrame(_logger, _options.ClientId, e);
            localCode = e.Code == ErrorCodes.TooLarge ? CloseCodes.TooLarge : CloseCodes.Undecodable;
        }
        finally
        {
            lock (_gate)
            {
                if (_session == s)
                {
                    _session = null;
                }
            }

            await s.Cts.CancelAsync();
            await ObserveAsync(s.Pump, "sender");
            if (s.Connection.CloseInfo is null)
            {
                var code = localCode ?? (s.LocalCloseReason is null or ClosedByClient ? CloseCodes.Normal : CloseCodes.HeartbeatTimeout);
                await CloseQuietlyAsync(s.Connection, code, s.LocalCloseReason);
            }

            await s.Connection.DisposeAsync();
        }

        var healthy = welcomed && _time.GetElapsedTime(s.ConnectedTimestamp) >= _options.Reconnect.HealthyAfter;
        if (s.LocalCloseReason is { } reason and not ClosedByClient)
        {
            return Finish(CloseCodes.HeartbeatTimeout, null, welcomed, healthy, new CloseReaction(CloseAction.Immediately, null, reason));
        }

        if (localCode is { } bad)
        {
            return Finish(bad, null, welcomed, healthy, new CloseReaction(CloseAction.Backoff, null, "undecodable frame from the server"));
        }

        if (handshakeTimedOut)
        {
            return Finish(CloseInfo.AbnormalClosure, null, welcomed, healthy, new CloseReaction(CloseAction.Backoff, null, "no welcome within the handshake timeout"));
        }

        var info = s.Connection.CloseInfo;
        var closeCode = info is { ClosedByPeer: true } ? info.Code : CloseInfo.AbnormalClosure;
        var hint = CloseCodes.CarriesRetryHint(closeCode) ? ReasonParser.RetryHint(info?.Reason) : null;
        return Finish(closeCode, hint, welcomed, healthy, forced: null);
    }

    private HelloFrame BuildHello(string token, ConnectionSession s)
    {
        lock (_gate)
        {
            var rooms = _rooms.Values
                .Take(ProtocolConstants.MaxRoomsPerHello)
                .Select(r => new RoomCursor { Room = r.Room, Epoch = r.Epoch, After = r.After })
                .ToList();
            s.HelloRooms = rooms;
            return new HelloFrame
            {
                ClientId = _options.ClientId,
                Token = _options.SendTokenInHello ? token : null,
                Codecs = s.Transcoder.AcceptedNames,
                Rooms = rooms.Count > 0 ? rooms : null,
            };
        }
    }

    private async Task<(WelcomeFrame? Welcome, bool TimedOut)> ReceiveWelcomeAsync(ConnectionSession s)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(s.Cts.Token, timeout.Token);
        try
        {
            while (true)
            {
                var message = await s.Connection.ReceiveAsync(linked.Token);
                if (message is null)
                {
                    return (null, false);
                }

                try
                {
                    if (s.Transcoder.Decode(message.Value) is WelcomeFrame welcome)
                    {
                        return (welcome, false);
                    }
                }
                catch (ProtocolException e) when (e.Code != ErrorCodes.TooLarge)
                {
                    ClientLog.BadFrame(_logger, _options.ClientId, e);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !s.Cts.IsCancellationRequested)
        {
            return (null, true);
        }
    }

    private void OnWelcome(ConnectionSession s, WelcomeFrame welcome, long helloAt, string token)
    {
        var now = _time.GetTimestamp();
        var halfRtt = _time.GetElapsedTime(helloAt, now) / 2;
        var offset = welcome.ServerTime + (long)halfRtt.TotalMilliseconds - _time.GetUtcNow().ToUnixTimeMilliseconds();
        Interlocked.Exchange(ref _offsetMs, offset);
        var limits = new FrameLimits
        {
            MaxFrameBytes = welcome.MaxFrameBytes > 0 ? welcome.MaxFrameBytes : FrameLimits.DefaultMaxFrameBytes,
            MaxBodyBytes = welcome.MaxBodyBytes > 0 ? welcome.MaxBodyBytes : FrameLimits.DefaultMaxBodyBytes,
            HistoryMaxLimit = welcome.HistoryMaxLimit > 0 ? welcome.HistoryMaxLimit : FrameLimits.DefaultHistoryMaxLimit,
        };
        s.Transcoder.UseLimits(limits);
        s.Transcoder.Negotiate(welcome.Codecs);
        Volatile.Write(ref _maxBodyBytes, limits.MaxBodyBytes);
        Volatile.Write(ref _historyMaxLimit, limits.HistoryMaxLimit);
        Volatile.Write(ref _userId, welcome.UserId);
        s.Welcome = welcome;
        s.MaxInFlight = welcome.MaxInFlight > 0 ? welcome.MaxInFlight : 1;
        s.Heartbeat = TimeSpan.FromMilliseconds(welcome.HeartbeatMs);
        s.ConnectedTimestamp = now;
        Volatile.Write(ref s.LastReceivedTimestamp, now);
        if (ReasonParser.JwtExpiryMs(token) is { } exp)
        {
            ScheduleRefresh(s, exp);
        }

        lock (_gate)
        {
            _session = s;
            if (_pending.Count > 0)
            {
                _nextToSend = Math.Min(_nextToSend, _pending.Keys.First());
            }

            foreach (var p in _pending.Values)
            {
                p.SentTimestamp = 0;
            }

            _pausedUntil = 0;
        }

        ClientLog.Connected(_logger, _options.ClientId, welcome.SessionId, welcome.HeartbeatMs, offset);
        var current = _state.Current;
        if (current is ConnectionState.Connecting or ConnectionState.Reconnecting)
        {
            Transition(current, ConnectionState.Connected);
        }

        if (s.Heartbeat > TimeSpan.Zero)
        {
            var period = s.Heartbeat / 2;
            s.Liveness = _time.CreateTimer(static state => ((LivenessProbe)state!).Check(), new LivenessProbe(this, s), period, period);
        }
    }

    private async Task ReceiveLoopAsync(ConnectionSession s)
    {
        while (true)
        {
            var message = await s.Connection.ReceiveAsync(s.Cts.Token);
            if (message is null)
            {
                return;
            }

            Volatile.Write(ref s.LastReceivedTimestamp, _time.GetTimestamp());
            Frame frame;
            try
            {
                frame = s.Transcoder.Decode(message.Value);
            }
            catch (ProtocolException e) when (e.Code != ErrorCodes.TooLarge)
            {
                // Forward compatibility: an unknown or malformed frame is logged and skipped, never fatal.
                ClientLog.BadFrame(_logger, _options.ClientId, e);
                continue;
            }

            await DispatchAsync(s, frame);
        }
    }

    private ValueTask DispatchAsync(ConnectionSession s, Frame frame) => frame switch
    {
        PingFrame ping => new ValueTask(TrySendAsync(s, new PongFrame { Ts = ping.Ts })),
        AckFrame ack => HandleAckAsync(s, ack),
        NackFrame nack => HandleNackAsync(s, nack),
        MsgFrame msg => HandleMsgAsync(s, msg),
        JoinedFrame joined => HandleJoinedAsync(joined),
        PageFrame page => HandlePageAsync(s, page),
        LeftFrame left => HandleLeftAsync(left),
        AuthedFrame authed => HandleAuthed(s, authed),
        ErrorFrame error => HandleError(error),
        _ => ValueTask.CompletedTask,
    };

    private ValueTask HandleAuthed(ConnectionSession s, AuthedFrame authed)
    {
        ClientLog.TokenRefreshed(_logger, _options.ClientId, authed.Exp);
        ScheduleRefresh(s, authed.Exp);
        return ValueTask.CompletedTask;
    }

    private ValueTask HandleError(ErrorFrame error)
    {
        ClientLog.ServerError(_logger, _options.ClientId, error.Code, error.Ref, error.Message);
        if (error.Ref is { } rid)
        {
            TaskCompletionSource<JoinedFrame>? waiter = null;
            lock (_gate)
            {
                if (_joinRids.Remove(rid, out var room) && _joinWaiters.Remove(room, out waiter))
                {
                    _rooms.Remove(room);
                }
            }

            waiter?.TrySetException(new InvalidOperationException($"join refused: {error.Code}: {error.Message}"));
        }

        return ValueTask.CompletedTask;
    }

    private void ScheduleRefresh(ConnectionSession s, long expServerMs)
    {
        var nowServerMs = _time.GetUtcNow().ToUnixTimeMilliseconds() + Interlocked.Read(ref _offsetMs);
        var wait = TimeSpan.FromMilliseconds(expServerMs - nowServerMs) - _options.TokenRefreshLead;

        // A token already inside its lead time is refreshed soon, but not in a tight loop.
        var minimum = TimeSpan.FromSeconds(1);
        wait = wait > minimum ? wait : minimum;
        Volatile.Write(ref s.RefreshAtTimestamp, _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency));
        s.Ring();
    }

    private async Task<bool> TrySendAsync(ConnectionSession s, Frame frame)
    {
        try
        {
            await s.Connection.SendAsync(s.Transcoder.Encode(frame), s.Cts.Token);
            return true;
        }
        catch (Exception e) when (e is ConnectionClosedException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task ObserveAsync(Task? task, string operation)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Ended with its connection.
        }
        catch (Exception e)
        {
            ClientLog.BackgroundFailed(_logger, _options.ClientId, operation, e);
        }
    }

    private static async ValueTask CloseQuietlyAsync(IFrameConnection connection, int code, string? reason)
    {
        try
        {
            await connection.CloseAsync(code, reason);
        }
        catch (Exception e) when (e is ConnectionClosedException or OperationCanceledException or ObjectDisposedException or System.Net.WebSockets.WebSocketException or IOException)
        {
            // Already gone: nothing to tell the peer.
        }
    }

    /// <summary>Timer state: checks heartbeat silence, the oldest unacked send, and a due token refresh.</summary>
    private sealed class LivenessProbe(ChatClient client, ConnectionSession session)
    {
        public void Check()
        {
            var time = client._time;
            var now = time.GetTimestamp();
            if (time.GetElapsedTime(Volatile.Read(ref session.LastReceivedTimestamp), now) > session.Heartbeat * 2)
            {
                client.Kill(session, "heartbeat silence");
                return;
            }

            long oldest = 0;
            lock (client._gate)
            {
                foreach (var p in client._pending.Values)
                {
                    if (p.Entry.Seq >= client._nextToSend)
                    {
                        break;
                    }

                    if (p.SentTimestamp != 0)
                    {
                        oldest = p.SentTimestamp;
                        break;
                    }
                }
            }

            if (oldest != 0 && time.GetElapsedTime(oldest, now) > session.Heartbeat * client._options.AckTimeoutMultiplier)
            {
                client.Kill(session, "ack timeout");
                return;
            }

            var refreshAt = Volatile.Read(ref session.RefreshAtTimestamp);
            if (refreshAt != 0 && now >= refreshAt)
            {
                session.Ring();
            }
        }
    }

    private void Kill(ConnectionSession s, string reason)
    {
        ClientLog.DeadConnection(_logger, _options.ClientId, reason);
        s.Kill(reason);
    }
}
