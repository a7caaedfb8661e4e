using ChatResilience.Client.Outbox;
using ChatResilience.Client.Session;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Client;

/// <summary>
/// Receiving rooms: messages go through each room's <see cref="RoomSequencer"/> (drop what is held, park
/// what is early, fill holes with <c>history</c>), cursors are persisted after delivery, and gaps and
/// resets are surfaced to the application.
/// </summary>
public sealed partial class ChatClient
{
    private async ValueTask HandleMsgAsync(ConnectionSession s, MsgFrame msg)
    {
        var deliver = new List<MsgFrame>(1);
        RoomCursorState? cursor = null;
        long? historyAfter = null;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(msg.Room, out var room))
            {
                return;
            }

            switch (room.Accept(msg, deliver))
            {
                case MsgVerdict.Duplicate:
                    _metrics.Duplicate();
                    break;
                case MsgVerdict.NeedHistory:
                    historyAfter = room.After;
                    break;
            }

            if (deliver.Count > 0)
            {
                cursor = new RoomCursorState(room.Room, room.Epoch, room.After);
            }
        }

        await DeliverAndPersistAsync(s, deliver, cursor);
        if (historyAfter is { } after)
        {
            await RequestHistoryAsync(s, msg.Room, after);
        }
    }

    private async ValueTask HandleJoinedAsync(JoinedFrame joined)
    {
        RoomReset? reset;
        RoomGap? gap;
        RoomCursorState cursor;
        TaskCompletionSource<JoinedFrame>? waiter;
        lock (_gate)
        {
            if (joined.Rid is { } rid)
            {
                _joinRids.Remove(rid);
            }

            if (!_rooms.TryGetValue(joined.Room, out var room))
            {
                // Left meanwhile: the membership is no longer wanted.
                return;
            }

            (reset, gap) = room.OnJoined(joined);
            cursor = new RoomCursorState(room.Room, room.Epoch, room.After);
            _joinWaiters.Remove(joined.Room, out waiter);
        }

        await _store.SaveCursorAsync(cursor);
        if (reset is not null)
        {
            Diagnostics.ClientLog.Reset(_logger, _options.ClientId, reset.Room, reset.Epoch);
            RaiseReset(reset);
        }

        if (gap is not null)
        {
            Diagnostics.ClientLog.Gap(_logger, _options.ClientId, gap.Room, gap.From, gap.To);
            RaiseGap(gap);
        }

        RaiseJoined(joined);
        waiter?.TrySetResult(joined);
    }

    private async ValueTask HandlePageAsync(ConnectionSession s, PageFrame page)
    {
        var deliver = new List<MsgFrame>(page.Msgs.Count);
        RoomGap? gap;
        bool more;
        long after;
        RoomCursorState cursor;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(page.Room, out var room))
            {
                return;
            }

            gap = room.OnPage(page, deliver, out more);
            after = room.After;
            cursor = new RoomCursorState(room.Room, room.Epoch, room.After);
        }

        if (gap is not null)
        {
            Diagnostics.ClientLog.Gap(_logger, _options.ClientId, gap.Room, gap.From, gap.To);
            RaiseGap(gap);
        }

        await DeliverAndPersistAsync(s, deliver, cursor);
        if (more)
        {
            await RequestHistoryAsync(s, page.Room, after);
        }
    }

    private async ValueTask HandleLeftAsync(LeftFrame left)
    {
        lock (_gate)
        {
            _rooms.Remove(left.Room);
        }

        await _store.RemoveCursorAsync(left.Room);
        RaiseLeft(new RoomLeft(left.Room, left.Code));
    }

    private async ValueTask DeliverAndPersistAsync(ConnectionSession s, List<MsgFrame> deliver, RoomCursorState? cursor)
    {
        if (deliver.Count == 0)
        {
            return;
        }

        // Delivered before the cursor is persisted: after a crash a message may be shown again, never lost.
        await DeliverAsync(deliver, s.Cts.Token);
        if (cursor is not null)
        {
            await _store.SaveCursorAsync(cursor);
        }
    }

    private Task<bool> RequestHistoryAsync(ConnectionSession s, string room, long after)
    {
        var limit = Math.Min(_options.HistoryPageLimit, Volatile.Read(ref _historyMaxLimit));
        return TrySendAsync(s, new HistoryFrame { Room = room, After = after, Limit = limit, Rid = NextRid() });
    }

    private List<JoinFrame> JoinsMissingFromHello(IReadOnlyList<RoomCursor>? helloRooms)
    {
        var sent = helloRooms?.Select(r => r.Room).ToHashSet(StringComparer.Ordinal) ?? [];
        lock (_gate)
        {
            return [.. _rooms.Values.Where(r => !sent.Contains(r.Room)).Select(r => new JoinFrame
            {
                Room = r.Room,
                Epoch = r.Epoch == 0 ? null : r.Epoch,
                After = r.Epoch == 0 ? null : r.After,
            })];
        }
    }
}
