using ChatResilience.Protocol;
using ChatResilience.Protocol.Compression;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Server.Core;

/// <summary>Handshake, receive loop and dispatch of non-room frames.</summary>
internal sealed partial class ChatSession
{
    private async Task<bool> HandshakeAsync()
    {
        var receive = _connection.ReceiveAsync(_receive.Token).AsTask();
        var timeout = Task.Delay(_core.Options.HelloTimeout, _core.Time, _lifetime.Token);
        if (await Task.WhenAny(receive, timeout) != receive)
        {
            await CloseAsync(CloseCodes.HeartbeatTimeout, "no hello");
            return false;
        }

        WireMessage? first;
        try
        {
            first = await receive;
        }
        catch (ProtocolException)
        {
            await CloseAsync(CloseCodes.TooLarge, "hello too large");
            return false;
        }

        if (first is not { } message)
        {
            return false;
        }

        Volatile.Write(ref _lastReceived, _core.Time.GetTimestamp());
        _core.Metrics.FrameIn();
        if (message.IsBinary)
        {
            await CloseAsync(CloseCodes.HelloExpected, "first frame must be a text hello");
            return false;
        }

        if (message.Payload.Length > ProtocolConstants.MaxHelloBytes)
        {
            await CloseAsync(CloseCodes.TooLarge, "hello larger than 64 KiB");
            return false;
        }

        HelloFrame? hello;
        try
        {
            hello = _transcoder.Decode(message) as HelloFrame;
        }
        catch (ProtocolException e)
        {
            await CloseAsync(CloseCodes.HelloExpected, e.FrameType == FrameTypes.Hello ? "invalid hello: " + e.Message : "first frame must be hello");
            return false;
        }

        if (hello is null)
        {
            await CloseAsync(CloseCodes.HelloExpected, "first frame must be hello");
            return false;
        }

        var identity = _preAuthenticated;
        if (hello.Token is { } token)
        {
            var checkedToken = await _core.Tokens.ValidateAsync(token);
            if (!checkedToken.IsValid)
            {
                await CloseAsync(CloseCodes.Unauthorized, "invalid token");
                return false;
            }

            if (identity is not null && identity.UserId != checkedToken.Identity!.UserId)
            {
                await CloseAsync(CloseCodes.Forbidden, "hello token names another user");
                return false;
            }

            identity = checkedToken.Identity;
        }

        if (identity is null || identity.ExpiresAtMs <= NowMs)
        {
            await CloseAsync(CloseCodes.Unauthorized, identity is null ? "no token" : "token expired");
            return false;
        }

        UserId = identity.UserId;
        ClientId = hello.ClientId;
        Volatile.Write(ref _expiresAtMs, identity.ExpiresAtMs);
        var registration = await _core.RegisterAsync(this);
        if (registration != RegistrationResult.Registered)
        {
            var code = registration == RegistrationResult.TooManyForUser ? CloseCodes.TooManyConnections : CloseCodes.GoingAway;
            await CloseAsync(code, _core.RetryHintJson);
            return false;
        }

        _settlement = _core.GetClientSettlement(UserId, ClientId);
        await _settlement.Gate.WaitAsync();
        _settlement.OutOfOrderSaid = false;
        _settlement.Gate.Release();
        _bucket = new TimeProviderTokenBucket(_core.Time, _core.Options.RateLimitPerSecond, _core.Options.RateLimitBurst);
        _transcoder.Negotiate(hello.Codecs);
        Transition(SessionState.Open, SessionState.AwaitingHello);
        var o = _core.Options;
        EnqueueControl(new WelcomeFrame
        {
            SessionId = SessionId,
            UserId = UserId,
            ServerTime = NowMs,
            HeartbeatMs = (long)o.HeartbeatInterval.TotalMilliseconds,
            MaxFrameBytes = o.MaxFrameBytes,
            MaxBodyBytes = o.MaxBodyBytes,
            Codecs = CompressionCodecNames.All,
            MaxInFlight = o.MaxInFlight,
            RateLimit = new RateLimitInfo { PerSecond = o.RateLimitPerSecond, Burst = o.RateLimitBurst },
            Retention = new RetentionInfo { Messages = o.RetentionMessages, AgeMs = (long)o.RetentionAge.TotalMilliseconds },
            MaxOfflineAgeMs = (long)o.MaxOfflineAge.TotalMilliseconds,
            HistoryMaxLimit = o.HistoryMaxLimit,
        });
        CoreLog.SessionOpened(_logger, SessionId, UserId, ClientId);
        foreach (var cursor in hello.Rooms ?? [])
        {
            await JoinAsync(cursor.Room, cursor.Epoch, cursor.After, rid: null, resume: true);
        }

        return true;
    }

    private async Task ReceiveLoopAsync()
    {
        while (true)
        {
            WireMessage? received;
            try
            {
                received = await _connection.ReceiveAsync(_receive.Token);
            }
            catch (ProtocolException)
            {
                await CloseAsync(CloseCodes.TooLarge, "frame larger than maxFrameBytes");
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (received is not { } message)
            {
                return;
            }

            Volatile.Write(ref _lastReceived, _core.Time.GetTimestamp());
            _core.Metrics.FrameIn();
            if (State != SessionState.Open)
            {
                continue;
            }

            try
            {
                await HandleAsync(message);
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                // Draining for shutdown: the frame stays unsettled and is replayed after reconnect.
            }
        }
    }

    private async Task HandleAsync(WireMessage message)
    {
        Frame frame;
        try
        {
            frame = _transcoder.Decode(message);
        }
        catch (ProtocolException e)
        {
            await OnBadFrameAsync(e);
            return;
        }

        switch (frame)
        {
            case SendFrame send:
                await SettleAsync(send, send.Id, send.Seq, invalid: null, isCancel: false);
                break;
            case CancelFrame cancel:
                await SettleAsync(null, "", cancel.Seq, invalid: null, isCancel: true);
                break;
            case JoinFrame join:
                await JoinAsync(join.Room, join.Epoch, join.After, join.Rid, resume: false);
                break;
            case LeaveFrame leave:
                await LeaveAsync(leave);
                break;
            case HistoryFrame history:
                await HistoryAsync(history);
                break;
            case ReadFrame read:
                await MarkReadAsync(read);
                break;
            case AuthFrame auth:
                await RefreshAuthAsync(auth);
                break;
            case PingFrame ping:
                EnqueueControl(new PongFrame { Ts = ping.Ts });
                break;
            case PongFrame:
                break;
            case HelloFrame hello:
                SendError(ErrorCodes.InvalidFrame, "hello was already received", hello.Rid);
                break;
            default:
                SendError(ErrorCodes.InvalidFrame, $"'{frame.Type}' is a server-to-client frame", null);
                break;
        }
    }

    private async Task OnBadFrameAsync(ProtocolException e)
    {
        CoreLog.BadFrame(_logger, SessionId, e.Code, e.Message);
        if (e.Undecodable)
        {
            await CloseAsync(CloseCodes.Undecodable, Truncate(e.Message));
            return;
        }

        if (e.FrameType is null && e.Code == ErrorCodes.TooLarge)
        {
            // A decompression bomb: nothing of the frame can be read.
            await CloseAsync(CloseCodes.TooLarge, Truncate(e.Message));
            return;
        }

        if (e.FrameType == FrameTypes.Send && ProtocolFields.IsId(e.SendId) && e.SendSeq is >= 1 and <= ProtocolConstants.MaxSafeInteger)
        {
            // Readable id and seq: settled by a nack like any send (PROTOCOL.md §6.2), dedup first.
            await SettleAsync(null, e.SendId!, e.SendSeq.Value, e, isCancel: false);
            return;
        }

        SendError(e.Code, e.Message, ProtocolFields.IsId(e.Rid) ? e.Rid : null);
    }

    private async Task RefreshAuthAsync(AuthFrame auth)
    {
        var result = await _core.Tokens.ValidateAsync(auth.Token);
        if (!result.IsValid || result.Identity!.ExpiresAtMs <= NowMs)
        {
            SendError(ErrorCodes.Unauthorized, result.Error ?? "token expired", auth.Rid);
            return;
        }

        if (result.Identity.UserId != UserId)
        {
            await CloseAsync(CloseCodes.Forbidden, "token for another user");
            return;
        }

        Volatile.Write(ref _expiresAtMs, result.Identity.ExpiresAtMs);
        EnqueueControl(new AuthedFrame { Exp = result.Identity.ExpiresAtMs, Rid = auth.Rid });
    }

    private static string Truncate(string s) => s.Length <= 100 ? s : s[..100];
}
