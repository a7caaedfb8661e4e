using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.3: every acked message reaches every member of its room. Owed to each client that was a member
/// when the ack was surfaced and stayed one to the end of the run. Not owed (counted as excluded): messages whose
/// room was deleted after the ack, readers that later took a <c>reset</c> for the room or were told the seq is in a
/// <c>recovered:false</c> gap (a surfaced gap, not a silent loss), and readers that crashed and never restarted.
/// Samples: (acked message, owed reader) pairs examined. Keeps no state per delivery (<see cref="DeliveryIndex"/>).
/// </summary>
public sealed class NoAckedMessageLost : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(NoAckedMessageLost);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var acks = new List<AckedEvent>();
        var ackedIds = new HashSet<string>(StringComparer.Ordinal);
        var delivered = new DeliveryIndex();
        var roomDeletedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        var surfaced = new Dictionary<(string Reader, string Room), List<JoinedEvent>>();

        foreach (var e in history.Events)
        {
            switch (e)
            {
                case AckedEvent { RoomSeq: not null } a when ackedIds.Add(a.MessageId):
                    acks.Add(a);
                    break;
                case DeliveredEvent d:
                    delivered.Add(d, out _);
                    break;
                case HarnessEvent { Kind: HarnessEventKinds.RoomDeleted, Room: { } room } h:
                    roomDeletedAt[room] = h.AtMs; // the last deletion: acks before it are gone with the room
                    break;
                case JoinedEvent j when j.Reset || !j.Recovered:
                    var key = (j.ClientId, j.Room);
                    if (!surfaced.TryGetValue(key, out var list))
                    {
                        surfaced[key] = list = [];
                    }

                    list.Add(j);
                    break;
            }
        }

        var members = FinalMembers.From(history);
        var fates = ClientFates.From(history);
        foreach (var ack in acks)
        {
            var roomSeq = ack.RoomSeq!.Value;
            if (roomDeletedAt.TryGetValue(ack.Room, out var deletedAt) && deletedAt >= ack.AtMs)
            {
                result.Excluded++;
                continue;
            }

            if (!members.ByRoom.TryGetValue(ack.Room, out var readers))
            {
                continue;
            }

            foreach (var (reader, since) in readers)
            {
                if (since > ack.AtMs)
                {
                    continue;
                }

                if (delivered.Has(reader, ack.MessageId))
                {
                    result.Samples++;
                    continue;
                }

                if (fates.CrashedAtEnd(reader) || IsSurfacedGap(surfaced, reader, ack.Room, roomSeq, ack.AtMs))
                {
                    result.Excluded++;
                    continue;
                }

                result.Samples++;
                result.Add(
                    $"message {ack.MessageId} acked to {ack.ClientId} at room seq {roomSeq} in {ack.Room} was never delivered to member {reader}",
                    ack.AtMs, ack.Room, roomSeq, reader, ack.MessageId);
            }
        }

        result.Detail("acked", acks.Count);
        return result.Build();
    }

    private static bool IsSurfacedGap(
        Dictionary<(string, string), List<JoinedEvent>> surfaced, string reader, string room, long roomSeq, long ackAtMs)
    {
        if (!surfaced.TryGetValue((reader, room), out var joins))
        {
            return false;
        }

        foreach (var j in joins)
        {
            if (j.Reset && j.AtMs >= ackAtMs)
            {
                return true;
            }

            if (!j.Recovered && j.GapFrom is { } from && j.GapTo is { } to && roomSeq >= from && roomSeq <= to)
            {
                return true;
            }
        }

        return false;
    }
}
