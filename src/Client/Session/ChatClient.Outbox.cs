using ChatResilience.Client.Diagnostics;
using ChatResilience.Client.Outbox;
using ChatResilience.Client.Session;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Client;

/// <summary>
/// The sender pump and settlement: unsettled entries go out strictly in seq order, pipelined up to
/// <c>welcome.maxInFlight</c>; retryable nacks rewind to the server's <c>expectedSeq</c>; acks and final
/// nacks settle the entry in the store before the handle completes.
/// </summary>
public sealed partial class ChatClient
{
    private async Task PumpAsync(ConnectionSession s)
    {
        var ct = s.Cts.Token;
        var frames = new List<Frame>();
        try
        {
            // Rooms joined after hello was built, and reads marked while offline, go first.
            foreach (var join in JoinsMissingFromHello(s.HelloRooms))
            {
                await s.Connection.SendAsync(s.Transcoder.Encode(join), ct);
            }

            foreach (var read in TakeUnsentReads())
            {
                await s.Connection.SendAsync(s.Transcoder.Encode(read), ct);
            }

            while (!ct.IsCancellationRequested)
            {
                await MaybeRefreshTokenAsync(s, ct);
                frames.Clear();
                var wakeAt = TakeSendable(s, frames);
                foreach (var frame in frames)
                {
                    await s.Connection.SendAsync(s.Transcoder.Encode(frame), ct);
                }

                if (frames.Count == 0)
                {
                    await WaitForDoorbellAsync(s, wakeAt, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The connection ended.
        }
        catch (ConnectionClosedException)
        {
            // The receive loop sees the close and ends the session.
        }
        catch (Exception e)
        {
            ClientLog.BackgroundFailed(_logger, _options.ClientId, "sender", e);
            Kill(s, "sender failed");
        }
    }

    private List<ReadFrame> TakeUnsentReads()
    {
        lock (_gate)
        {
            var reads = _unsentReads.Select(r => new ReadFrame { Room = r.Key, Seq = r.Value }).ToList();
            _unsentReads.Clear();
            return reads;
        }
    }

    /// <summary>Fills the send window; returns the timestamp a pause ends at (0: no pause).</summary>
    private long TakeSendable(ConnectionSession s, List<Frame> frames)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_pausedUntil != 0)
            {
                if (now < _pausedUntil)
                {
                    return _pausedUntil;
                }

                _pausedUntil = 0;
            }

            var inFlight = 0;
            foreach (var seq in _pending.Keys)
            {
                if (seq >= _nextToSend)
                {
                    break;
                }

                inFlight++;
            }

            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var offset = Interlocked.Read(ref _offsetMs);
            while (inFlight < s.MaxInFlight && _pending.TryGetValue(_nextToSend, out var p))
            {
                if (nowMs - p.Entry.CreatedAtMs > _options.OutboxTimeToLive.TotalMilliseconds)
                {
                    ClientLog.SendExpired(_logger, _options.ClientId, p.Entry.Seq);
                    p.Cancelled = true;
                    frames.Add(new CancelFrame { Seq = p.Entry.Seq });
                }
                else
                {
                    frames.Add(ToSendFrame(p.Entry, offset));
                }

                if (p.FirstSentTimestamp == 0)
                {
                    p.FirstSentTimestamp = now;
                }
                else
                {
                    _metrics.Replayed();
                }

                p.SentTimestamp = now;
                _nextToSend++;
                inFlight++;
            }

            if (_options.Bugs.ReorderSends)
            {
                // Test-only bug: swap each consecutive pair on the wire.
                for (var i = 0; i + 1 < frames.Count; i += 2)
                {
                    (frames[i], frames[i + 1]) = (frames[i + 1], frames[i]);
                }
            }

            return 0;
        }
    }

    private static SendFrame ToSendFrame(OutboxEntry entry, long offsetMs) => new()
    {
        Id = entry.Id,
        Seq = entry.Seq,
        Room = entry.Room,
        Body = entry.Body,
        Meta = entry.Meta,
        Basis = entry.Basis,

        // The device clock corrected to server time, so a skewed clock neither dodges nor triggers expiry.
        SentAt = Math.Clamp(entry.CreatedAtMs + offsetMs, 0, ProtocolConstants.MaxSafeInteger),
    };

    private async Task WaitForDoorbellAsync(ConnectionSession s, long pauseUntil, CancellationToken ct)
    {
        var refreshAt = Volatile.Read(ref s.RefreshAtTimestamp);
        var deadline = (pauseUntil, refreshAt) switch
        {
            (0, 0) => 0L,
            (0, var r) => r,
            (var p, 0) => p,
            (var p, var r) => Math.Min(p, r),
        };
        if (deadline == 0)
        {
            await s.Doorbell.Reader.ReadAsync(ct);
            return;
        }

        var wait = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await s.Doorbell.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // The pause or refresh time arrived.
        }
    }

    private async ValueTask MaybeRefreshTokenAsync(ConnectionSession s, CancellationToken ct)
    {
        var at = Volatile.Read(ref s.RefreshAtTimestamp);
        if (at == 0 || _time.GetTimestamp() < at)
        {
            return;
        }

        Volatile.Write(ref s.RefreshAtTimestamp, 0);
        var token = await _tokenProvider(ct);
        await s.Connection.SendAsync(s.Transcoder.Encode(new AuthFrame { Token = token, Rid = NextRid() }), ct);
    }

    private async ValueTask HandleAckAsync(ConnectionSession s, AckFrame ack)
    {
        PendingSend? p;
        lock (_gate)
        {
            p = TakeSettledLocked(ack.Seq, ack.Id);
        }

        RaiseAck(ack);
        if (p is null)
        {
            return;
        }

        // The window has room again.
        s.Ring();
        await _store.SettleAsync(ack.Seq);
        _metrics.OutboxDepth(-1);
        if (p.FirstSentTimestamp != 0)
        {
            _metrics.AckLatency(_time.GetElapsedTime(p.FirstSentTimestamp));
        }

        p.Handle.Succeed(new SendResult(p.Entry.Id, p.Entry.Seq, p.Entry.Room, ack.RoomSeq, ack.Dup));
        RaiseProvisionalMoved(new ProvisionalMove(p.Entry.Id, p.Entry.Seq, p.Entry.Room, ack.RoomSeq, p.Handle.ComposedOffline));
    }

    private async ValueTask HandleNackAsync(ConnectionSession s, NackFrame nack)
    {
        RaiseNack(nack);
        if (nack.Retryable || ErrorCodes.IsRetryable(nack.Code))
        {
            long from;
            lock (_gate)
            {
                var target = nack.ExpectedSeq ?? nack.Seq;
                var old = _nextToSend;
                if (target < _nextToSend)
                {
                    _nextToSend = target;

                    // Every seq below the old mark went out, so one missing from the outbox is settled.
                    while (_nextToSend < old && !_pending.ContainsKey(_nextToSend))
                    {
                        _nextToSend++;
                    }
                }

                foreach (var p in _pending.Values)
                {
                    if (p.Entry.Seq >= _nextToSend)
                    {
                        p.SentTimestamp = 0;
                    }
                }

                var pauseMs = nack.RetryAfterMs is { } ms && !_options.Bugs.IgnoreRetryAfter ? ms
                    : nack.Code == ErrorCodes.Internal ? (long)_options.Reconnect.DelayBase.TotalMilliseconds
                    : 0;
                if (pauseMs > 0)
                {
                    _pausedUntil = _time.GetTimestamp() + (long)(pauseMs / 1000.0 * _time.TimestampFrequency);
                }

                from = _nextToSend;
            }

            ClientLog.RetryableNack(_logger, _options.ClientId, nack.Code, nack.Seq, from);
            s.Ring();
            return;
        }

        PendingSend? settled;
        lock (_gate)
        {
            settled = TakeSettledLocked(nack.Seq, nack.Id);
        }

        if (settled is null)
        {
            return;
        }

        s.Ring();
        await _store.SettleAsync(nack.Seq);
        _metrics.OutboxDepth(-1);
        ClientLog.SendFailed(_logger, _options.ClientId, nack.Seq, nack.Code);
        var e = settled.Entry;
        settled.Handle.Fail(new SendFailedException(e.Id, e.Seq, nack.Code, nack.Reason));
        RaiseFailed(new SendFailure(e.Id, e.Seq, e.Room, nack.Code, nack.Reason));
    }

    /// <summary>Removes a settled entry; null when unknown (already settled) or the id does not match.</summary>
    private PendingSend? TakeSettledLocked(long seq, string id)
    {
        if (!_pending.TryGetValue(seq, out var p))
        {
            return null;
        }

        // A cancel carries no id, so the server's answer to it may carry any (or none).
        if (p.Entry.Id != id && !p.Cancelled)
        {
            return null;
        }

        _pending.Remove(seq);
        if (seq >= _nextToSend)
        {
            // Settled while rewound: the seqs below it that are gone are settled too.
            while (_nextToSend <= seq && !_pending.ContainsKey(_nextToSend))
            {
                _nextToSend++;
            }
        }

        return p;
    }
}
