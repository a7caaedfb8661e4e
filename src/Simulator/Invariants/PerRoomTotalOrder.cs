using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.4–6.5: per room and epoch one total order, the same for every reader (one message id per seq),
/// and each reader's deliveries strictly increasing in seq and gap-free. A reader's first delivery in an epoch may
/// start anywhere (a fresh join goes live at the head); after that, a jump is allowed only over exactly the gap a
/// <c>joined recovered:false</c> reported, and a <c>reset</c> or a new membership starts the reader afresh.
/// Samples: deliveries examined.
/// </summary>
public sealed class PerRoomTotalOrder : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(PerRoomTotalOrder);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var idAt = new Dictionary<(string Room, long Epoch, long Seq), string>();
        var cursors = new Dictionary<(string Reader, string Room), (long Epoch, long Seq)>();
        var reportedGaps = new HashSet<(string Reader, string Room, long Epoch, long From, long To)>();

        foreach (var e in history.Events)
        {
            switch (e)
            {
                case DeliveredEvent d:
                    result.Samples++;
                    CheckSameOrder(result, idAt, d);
                    CheckReader(result, cursors, reportedGaps, d);
                    break;
                case JoinedEvent j:
                    if (j.Reset)
                    {
                        cursors.Remove((j.ClientId, j.Room));
                    }

                    if (!j.Recovered && j.GapFrom is { } from && j.GapTo is { } to)
                    {
                        reportedGaps.Add((j.ClientId, j.Room, j.Epoch, from, to));
                    }

                    break;
                case MembershipEvent m:
                    cursors.Remove((m.ClientId, m.Room));
                    break;
                case LeftEvent l:
                    cursors.Remove((l.ClientId, l.Room));
                    break;
            }
        }

        result.Detail("positions", idAt.Count);
        return result.Build();
    }

    private static void CheckSameOrder(ResultBuilder result, Dictionary<(string, long, long), string> idAt, DeliveredEvent d)
    {
        var place = (d.Room, d.Epoch, d.RoomSeq);
        if (!idAt.TryGetValue(place, out var first))
        {
            idAt[place] = d.MessageId;
        }
        else if (!string.Equals(first, d.MessageId, StringComparison.Ordinal))
        {
            result.Add(
                $"{d.Room} epoch {d.Epoch} seq {d.RoomSeq} is {d.MessageId} for {d.ClientId} but {first} for an earlier reader",
                d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
        }
    }

    private static void CheckReader(
        ResultBuilder result,
        Dictionary<(string, string), (long Epoch, long Seq)> cursors,
        HashSet<(string, string, long, long, long)> reportedGaps,
        DeliveredEvent d)
    {
        var key = (d.ClientId, d.Room);
        if (!cursors.TryGetValue(key, out var cursor) || cursor.Epoch != d.Epoch)
        {
            cursors[key] = (d.Epoch, d.RoomSeq);
            return;
        }

        if (d.RoomSeq <= cursor.Seq)
        {
            result.Add(
                $"{d.ClientId} got {d.Room} epoch {d.Epoch} seq {d.RoomSeq} after seq {cursor.Seq}: not strictly increasing",
                d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
            return;
        }

        if (d.RoomSeq > cursor.Seq + 1 && !reportedGaps.Contains((d.ClientId, d.Room, d.Epoch, cursor.Seq + 1, d.RoomSeq - 1)))
        {
            result.Add(
                $"{d.ClientId} skipped {d.Room} epoch {d.Epoch} seqs {cursor.Seq + 1}..{d.RoomSeq - 1} with no recovered:false gap reported",
                d.AtMs, d.Room, cursor.Seq + 1, d.ClientId, d.MessageId);
        }

        cursors[key] = (d.Epoch, d.RoomSeq);
    }
}
