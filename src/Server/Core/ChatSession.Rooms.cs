using ChatResilience.Protocol;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Core;

/// <summary>Join and resume with replay, leave, history pages, read markers, membership ended by others.</summary>
internal sealed partial class ChatSession
{
    private async Task JoinAsync(string room, long? epoch, long? after, string? rid, bool resume)
    {
        if (resume)
        {
            // A resume never silently undoes a deletion, a removal or a leave on another device.
            var info = await _core.Log.GetRoomAsync(room);
            var standing = info is null ? MembershipState.None : await _core.Log.GetMembershipAsync(room, UserId);
            var ended = info is { Deleted: true } ? LeftCodes.RoomDeleted
                : standing == MembershipState.Removed ? LeftCodes.Removed
                : standing == MembershipState.Left ? LeftCodes.Left
                : null;
            if (ended is not null)
            {
                EnqueueControl(new LeftFrame { Room = room, Code = ended, Rid = rid });
                return;
            }
        }

        var hub = await _core.GetHubAsync(room, create: true);
        if (hub is null)
        {
            SendError(ErrorCodes.NoSuchRoom, $"room '{room}' could not be created", rid);
            return;
        }

        await _core.SetMembershipAsync(hub, UserId, MembershipState.Member);
        Subscription? previous;
        var subscription = new Subscription(this, hub, _core.Options.OutboundQueueMessages);
        lock (_subscriptions)
        {
            _subscriptions.TryGetValue(room, out previous);
            _subscriptions[room] = subscription;
        }

        if (previous is not null)
        {
            EndSubscription(previous);
        }

        // Protect the whole log from retention until the replay range is known, then subscribe, then read.
        subscription.ReplayCursor = 0;
        await _core.ReplayGuard.RegisterAsync(subscription);
        var head = hub.Subscribe(subscription);
        var current = await _core.Log.GetRoomAsync(room);
        var firstSeq = current is null || current.Epoch != hub.Epoch ? head + 1 : Math.Min(current.FirstSeq, head + 1);
        var plan = ResumePlan.Compute(epoch, after, hub.Epoch, head, firstSeq);
        subscription.ReplayCursor = plan.From - 1;
        var read = await _core.Log.GetReadMarkerAsync(room, UserId);
        EnqueueForced(FrameCodec.EncodeToArray(new JoinedFrame
        {
            Room = room,
            Epoch = hub.Epoch,
            Head = head,
            From = plan.From,
            Recovered = plan.Gap is null,
            Gap = plan.Gap,
            Reset = plan.Reset ? true : null,
            Read = read,
            Rid = rid,
        }));
        CoreLog.Joined(_logger, SessionId, room, hub.Epoch, plan.From, head, plan.Reset);
        _core.Observe(RunReplayAsync(subscription, plan.From - 1, head), "replay");
    }

    private async Task RunReplayAsync(Subscription subscription, long cursor, long head)
    {
        try
        {
            var replayed = await subscription.ReplayAsync(cursor, head, _core);
            _core.Metrics.Replayed(replayed);
        }
        finally
        {
            _core.ReplayGuard.Unregister(subscription);
        }
    }

    private async Task LeaveAsync(LeaveFrame leave)
    {
        Subscription? subscription;
        lock (_subscriptions)
        {
            _subscriptions.Remove(leave.Room, out subscription);
        }

        if (subscription is not null)
        {
            EndSubscription(subscription);
        }

        var hub = await _core.GetHubAsync(leave.Room, create: false);
        if (hub is null)
        {
            SendError(ErrorCodes.NoSuchRoom, $"room '{leave.Room}' does not exist", leave.Rid);
            return;
        }

        await _core.SetMembershipAsync(hub, UserId, MembershipState.Left);
        EnqueueControl(new LeftFrame { Room = leave.Room, Code = LeftCodes.Left, Rid = leave.Rid });
        _core.EndMembershipElsewhere(hub, UserId, LeftCodes.Left, except: this);
    }

    /// <summary>Membership ended by someone else (admin, room deletion, a leave on another device).</summary>
    public void OnMembershipEnded(string room, string code)
    {
        Subscription? subscription;
        lock (_subscriptions)
        {
            _subscriptions.Remove(room, out subscription);
        }

        if (subscription is null)
        {
            return;
        }

        EndSubscription(subscription);
        EnqueueControl(new LeftFrame { Room = room, Code = code });
    }

    public bool IsSubscribedTo(RoomHub hub)
    {
        lock (_subscriptions)
        {
            return _subscriptions.TryGetValue(hub.Name, out var s) && s.Hub == hub;
        }
    }

    private async Task HistoryAsync(HistoryFrame history)
    {
        var hub = await _core.GetHubAsync(history.Room, create: false);
        if (hub is null)
        {
            SendError(ErrorCodes.NoSuchRoom, $"room '{history.Room}' does not exist", history.Rid);
            return;
        }

        if (await _core.GetMembershipAsync(hub, UserId) != MembershipState.Member)
        {
            SendError(ErrorCodes.Forbidden, $"not a member of '{history.Room}'", history.Rid);
            return;
        }

        var head = hub.PublishedHead;
        var stored = await _core.Log.ReadAsync(history.Room, history.After, history.Limit);
        var msgs = new List<MsgFrame>(stored.Count);
        long bytes = 0;
        foreach (var m in stored)
        {
            // Bound the page by bytes as well, so a page of large bodies still fits one frame.
            bytes += m.Body.Length * 3L + 512;
            if (m.Seq > head || (msgs.Count > 0 && bytes > _core.Options.MaxFrameBytes / 2))
            {
                break;
            }

            msgs.Add(m.ToFrame());
        }

        var more = msgs.Count > 0 ? msgs[^1].Seq < head : false;
        EnqueueForced(FrameCodec.EncodeToArray(new PageFrame { Room = history.Room, Msgs = msgs, Head = head, More = more, Rid = history.Rid }));
    }

    private async Task MarkReadAsync(ReadFrame read)
    {
        var hub = await _core.GetHubAsync(read.Room, create: false);
        if (hub is null)
        {
            SendError(ErrorCodes.NoSuchRoom, $"room '{read.Room}' does not exist", read.Rid);
            return;
        }

        if (await _core.GetMembershipAsync(hub, UserId) != MembershipState.Member)
        {
            SendError(ErrorCodes.Forbidden, $"not a member of '{read.Room}'", read.Rid);
            return;
        }

        await _core.Log.SetReadMarkerAsync(read.Room, UserId, Math.Min(read.Seq, hub.PublishedHead));
    }
}
