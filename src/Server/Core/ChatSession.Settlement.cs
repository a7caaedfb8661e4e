using ChatResilience.Protocol;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Core;

/// <summary>
/// Settlement of sends and cancels, exactly as PROTOCOL.md §6.1–6.2: keyed (user, client, seq), dedup
/// first, then order, rate limit, room, membership and age; the mark counts pending commits; replies go
/// through the ordered pump, so acks leave in seq order and only after the commit.
/// </summary>
internal sealed partial class ChatSession
{
    /// <summary>
    /// The session whose decision is running on this thread. With a log that commits synchronously, the append
    /// publishes the sender's own <c>msg</c> right here, under the room lock, so its writer is woken through the
    /// thread pool, and the ack queued right after rides on that wake. In a room with other members their wakes are
    /// queued in the same publish: the sender's ack waited behind the whole fan-out, its window filled, and it sent
    /// no faster than one room's fan-out drained (broadcast to 1,000 members, four interleaved pairs: 53–58 % → 64–94 %
    /// of the raw fan-out once the ack went out at once; bench/results/server-throughput.md, eleventh round). There the own msg's wake is
    /// deferred (<see cref="TryEnqueueLive"/>): the ack queued below wakes the writer inline and this thread writes
    /// both, and <see cref="OutboundQueue.FlushDeferredWake"/> covers a reply that goes through the pump. Only this
    /// thread's publishes to this session defer, and only until this call returns. Alone in its room a sender keeps
    /// the hop: there it lets the receive loop read on while another thread writes (deferring there too, in four
    /// pairs at 1000 connections x window 16 in memory: 65–70 % against 73–87 % of the echo).
    /// </summary>
    [ThreadStatic]
    private static ChatSession? t_settling;

    private async Task SettleAsync(SendFrame? send, string id, long seq, ProtocolException? invalid, bool isCancel)
    {
        var st = _settlement!;
        ValueTask<Frame?> reply;
        await st.Gate.WaitAsync();
        try
        {
            ValueTask<ValueTask<Frame?>> decision;
            var outer = t_settling;
            t_settling = this;
            try
            {
                decision = DecideAsync(st, send, id, seq, invalid, isCancel);
            }
            finally
            {
                t_settling = outer;
            }

            reply = await decision;
        }
        catch
        {
            _queue.FlushDeferredWake();
            throw;
        }
        finally
        {
            st.Gate.Release();
        }

        // Replies leave in seq order. Only this receive loop writes them, so when none is outstanding (every
        // earlier reply is already in the outbound queue) a settled one goes straight to the queue: with a log
        // that commits synchronously that is every ack, and the ordered pump is only needed behind a pending
        // commit. (Outstanding counts replies written to the pump and not yet enqueued by it.)
        if (reply.IsCompletedSuccessfully && Volatile.Read(ref _repliesOutstanding) == 0)
        {
            if (reply.Result is { } frame)
            {
                // Wakes the writer inline: it writes this and a deferred own msg here.
                EnqueueControl(frame);
            }

            _queue.FlushDeferredWake();
            return;
        }

        // Through the pump: a deferred own msg must not wait for it.
        _queue.FlushDeferredWake();
        Interlocked.Increment(ref _repliesOutstanding);
        try
        {
            await _replies.Writer.WriteAsync(reply);
        }
        catch
        {
            Interlocked.Decrement(ref _repliesOutstanding);
            throw;
        }
    }

    // ValueTask: with a log that commits synchronously the whole decision completes without suspending, and an
    // async Task<T> would allocate its result task for every send.
    private async ValueTask<ValueTask<Frame?>> DecideAsync(ClientSettlement st, SendFrame? send, string id, long seq, ProtocolException? invalid, bool isCancel)
    {
        if (!st.Loaded)
        {
            st.Mark = await _core.Log.GetClientMarkAsync(st.UserId, st.ClientId);
            st.Loaded = true;
        }

        // A client the log has never seen starts at seq 1 (PROTOCOL.md §4), so a forged future seq is out of order.
        // (A log lost with an in-memory server loses the marks too; such a server should not be restarted under clients.)
        st.Mark ??= 0;
        var mark = st.Mark.Value;
        switch (SettlementPolicy.Decide(mark, st.OutOfOrderSaid, seq))
        {
            case SettlementDecision.Replay:
                return await ReplayAsync(st, send, id, seq, isCancel);
            case SettlementDecision.Drop:
                return new ValueTask<Frame?>((Frame?)null);
            case SettlementDecision.OutOfOrder:
                st.OutOfOrderSaid = true;
                return Reply(Nack(id, seq, ErrorCodes.OutOfOrder, $"expected seq {mark + 1}", expectedSeq: mark + 1));
        }

        st.OutOfOrderSaid = false;
        if (invalid is not null)
        {
            return Final(st, id, seq, "", invalid.Code, invalid.Message);
        }

        if (isCancel)
        {
            return Final(st, "", seq, "", ErrorCodes.Expired, "cancelled by the client");
        }

        using (var lease = _bucket!.AttemptAcquire())
        {
            if (!lease.IsAcquired)
            {
                var retry = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                return Reply(Nack(id, seq, ErrorCodes.RateLimited, "rate limit exceeded", retryAfterMs: (long)Math.Ceiling(retry.TotalMilliseconds)));
            }
        }

        var s = send!;
        var hub = await _core.GetHubAsync(s.Room, create: false);
        if (hub is null)
        {
            return Final(st, id, seq, s.Room, ErrorCodes.NoSuchRoom, $"room '{s.Room}' does not exist");
        }

        if (await _core.GetMembershipAsync(hub, UserId) != MembershipState.Member)
        {
            return Final(st, id, seq, s.Room, ErrorCodes.Forbidden, $"not a member of '{s.Room}'");
        }

        var now = NowMs;
        if (s.SentAt < now - (long)_core.Options.MaxOfflineAge.TotalMilliseconds)
        {
            return Final(st, id, seq, s.Room, ErrorCodes.Expired, "older than maxOfflineAgeMs");
        }

        st.Mark = seq;
        var message = new StoredMessage
        {
            // The hub's name, not the frame's copy of it: the stored message and its outcome live as long as the log keeps them.
            Room = hub.Name, Id = s.Id, From = UserId, ClientId = ClientId, ClientSeq = seq, Body = s.Body,
            SentAt = s.SentAt, Basis = s.Basis, At = now, Meta = s.Meta,
        };
        var append = _core.Log.AppendAsync(message, UserId, _core.Publisher);
        if (append.IsCompletedSuccessfully)
        {
            // Committed already (a log that commits synchronously): the ack is known, nothing is pending, and
            // no outcome task or record is needed for it (the log recorded the outcome in the same commit).
            var stored = append.Result.Message;
            _core.Metrics.Ack(dup: false);
            return new ValueTask<Frame?>(new AckFrame { Id = stored.Id, Seq = seq, Room = stored.Room, RoomSeq = stored.Seq, Dup = false });
        }

        var outcome = CommitAsync(st, message, append);
        Track(st, seq, id, outcome);
        return ReplyFrom(outcome, dup: false);
    }

    private static void Track(ClientSettlement st, long seq, string id, Task<SettlementOutcome> outcome)
    {
        // A log that completes synchronously has already recorded it: nothing is pending.
        if (outcome.IsCompleted)
        {
            return;
        }

        st.Pending[seq] = new PendingSettlement(id, outcome);

        // Recorded meanwhile: its own removal may have run before the add above.
        if (outcome.IsCompleted)
        {
            st.Pending.TryRemove(seq, out _);
        }
    }

    private async Task<SettlementOutcome> CommitAsync(ClientSettlement st, StoredMessage message, ValueTask<AppendResult> append)
    {
        try
        {
            var result = await append;
            return new SettlementOutcome
            {
                UserId = UserId, ClientId = ClientId, Seq = message.ClientSeq, Id = message.Id, Room = message.Room,
                RoomSeq = result.Message.Seq, At = message.At,
            };
        }
        catch (RoomUnavailableException)
        {
            // Deleted between the check and the commit: a final nack, recorded like any other.
            var nack = Outcome(message.ClientSeq, message.Id, message.Room, ErrorCodes.NoSuchRoom, $"room '{message.Room}' does not exist");
            await _core.Log.RecordOutcomeAsync(nack);
            return nack;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CoreLog.AppendFailed(_logger, e, message.Room, ClientId, message.ClientSeq);
            await st.Gate.WaitAsync();
            try
            {
                // Settles nothing: the client resends this seq. (Later pipelined seqs may already be queued.)
                if (st.Mark >= message.ClientSeq)
                {
                    st.Mark = message.ClientSeq - 1;
                }
            }
            finally
            {
                st.Gate.Release();
            }

            return Outcome(message.ClientSeq, message.Id, message.Room, ErrorCodes.Internal, "storage failure; retry");
        }
        finally
        {
            st.Pending.TryRemove(message.ClientSeq, out _);
        }
    }

    private ValueTask<Frame?> Final(ClientSettlement st, string id, long seq, string room, string code, string reason)
    {
        st.Mark = seq;
        var outcome = RecordAsync(st, Outcome(seq, id, room, code, reason));
        Track(st, seq, id, outcome);
        return ReplyFrom(outcome, dup: false);
    }

    private async Task<SettlementOutcome> RecordAsync(ClientSettlement st, SettlementOutcome outcome)
    {
        try
        {
            await _core.Log.RecordOutcomeAsync(outcome);
            return outcome;
        }
        finally
        {
            st.Pending.TryRemove(outcome.Seq, out _);
        }
    }

    private async ValueTask<ValueTask<Frame?>> ReplayAsync(ClientSettlement st, SendFrame? send, string id, long seq, bool isCancel)
    {
        Task<SettlementOutcome> outcome;
        if (st.Pending.TryGetValue(seq, out var pending))
        {
            if (!isCancel && !SettlementPolicy.SameSend(pending.Id, id))
            {
                return Reply(Nack(id, seq, ErrorCodes.Conflict, $"seq {seq} was used by another id"));
            }

            outcome = pending.Outcome;
        }
        else
        {
            var recorded = await _core.Log.GetOutcomeAsync(UserId, ClientId, seq);
            if (recorded is null)
            {
                // Settled, but past outcome retention: still a duplicate, without the room seq.
                return send is null
                    ? Reply(Nack(id, seq, ErrorCodes.Expired, "settled long ago; outcome no longer retained"))
                    : Reply(new AckFrame { Id = id, Seq = seq, Room = send.Room, Dup = true });
            }

            if (!isCancel && !SettlementPolicy.SameSend(recorded.Id, id))
            {
                return Reply(Nack(id, seq, ErrorCodes.Conflict, $"seq {seq} was used by another id"));
            }

            outcome = Task.FromResult(recorded);
        }

        if (_core.Options.Bugs.StoreReplayTwice && send is not null)
        {
            // TEST-ONLY bug switch: store the replayed send again, a duplicate in the room.
            var again = new StoredMessage
            {
                Room = send.Room, Id = send.Id, From = UserId, ClientId = ClientId, ClientSeq = seq, Body = send.Body,
                SentAt = send.SentAt, Basis = send.Basis, At = NowMs, Meta = send.Meta,
            };
            _core.Observe(_core.Log.AppendAsync(again, null, _core.Publisher).AsTask(), "bug-store-replay-twice");
        }

        return ReplyFrom(outcome, dup: true);
    }

    private ValueTask<Frame?> ReplyFrom(Task<SettlementOutcome> outcome, bool dup) =>
        outcome.IsCompletedSuccessfully ? new ValueTask<Frame?>(ReplyFor(outcome.Result, dup)) : ReplyLaterAsync(outcome, dup);

    private async ValueTask<Frame?> ReplyLaterAsync(Task<SettlementOutcome> outcome, bool dup) => ReplyFor(await outcome, dup);

    private Frame ReplyFor(SettlementOutcome o, bool dup)
    {
        if (o.IsAck)
        {
            _core.Metrics.Ack(dup);
            return new AckFrame { Id = o.Id, Seq = o.Seq, Room = o.Room, RoomSeq = o.RoomSeq, Dup = dup };
        }

        _core.Metrics.Nack(o.NackCode!);
        return new NackFrame { Id = o.Id, Seq = o.Seq, Code = o.NackCode!, Reason = o.NackReason ?? "", Retryable = ErrorCodes.IsRetryable(o.NackCode!) };
    }

    private ValueTask<Frame?> Reply(Frame frame)
    {
        if (frame is NackFrame n)
        {
            _core.Metrics.Nack(n.Code);
        }

        return new ValueTask<Frame?>(frame);
    }

    private static NackFrame Nack(string id, long seq, string code, string reason, long? expectedSeq = null, long? retryAfterMs = null) => new()
    {
        Id = id, Seq = seq, Code = code, Reason = reason, Retryable = ErrorCodes.IsRetryable(code), ExpectedSeq = expectedSeq, RetryAfterMs = retryAfterMs,
    };

    private SettlementOutcome Outcome(long seq, string id, string room, string code, string reason) => new()
    {
        UserId = UserId, ClientId = ClientId, Seq = seq, Id = id, Room = room, NackCode = code, NackReason = reason, At = NowMs,
    };
}
