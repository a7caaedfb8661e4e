using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.1 and §6.4: a sender's messages are stored in its seq order, serialised across rooms. Checks, from
/// what readers saw: within one room and epoch, a higher sender seq has a higher room seq; across rooms, a higher
/// sender seq was not accepted earlier (server <c>at</c> non-decreasing); and each client surfaces its acks in
/// increasing seq order (the server settles in seq order). Samples: distinct stored messages plus acks examined.
/// </summary>
public sealed class PerSenderOrder : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(PerSenderOrder);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var seen = new HashSet<(string Sender, string MessageId)>();
        var stored = new Dictionary<string, List<DeliveredEvent>>(StringComparer.Ordinal);
        var lastAckSeq = new Dictionary<string, AckedEvent>(StringComparer.Ordinal);
        var ackedIds = new HashSet<(string ClientId, string MessageId)>();

        foreach (var e in history.Events)
        {
            switch (e)
            {
                case DeliveredEvent d when seen.Add((d.SenderClientId, d.MessageId)):
                    if (!stored.TryGetValue(d.SenderClientId, out var list))
                    {
                        stored[d.SenderClientId] = list = [];
                    }

                    list.Add(d);
                    break;
                case AckedEvent a when ackedIds.Add((a.ClientId, a.MessageId)):
                    result.Samples++;
                    if (lastAckSeq.TryGetValue(a.ClientId, out var previous) && a.Seq <= previous.Seq)
                    {
                        result.Add(
                            $"{a.ClientId} surfaced the ack of seq {a.Seq} ({a.MessageId}) after the ack of seq {previous.Seq} ({previous.MessageId})",
                            a.AtMs, a.Room, a.RoomSeq, a.ClientId, a.MessageId);
                    }

                    lastAckSeq[a.ClientId] = a;
                    break;
            }
        }

        foreach (var (sender, messages) in stored)
        {
            result.Samples += messages.Count;
            messages.Sort((x, y) => x.SenderSeq.CompareTo(y.SenderSeq));
            CheckAcrossRooms(result, sender, messages);
            CheckWithinRooms(result, sender, messages);
        }

        result.Detail("senders", stored.Count);
        return result.Build();
    }

    private static void CheckAcrossRooms(ResultBuilder result, string sender, List<DeliveredEvent> bySenderSeq)
    {
        for (var i = 1; i < bySenderSeq.Count; i++)
        {
            var (before, after) = (bySenderSeq[i - 1], bySenderSeq[i]);
            if (after.ServerAtMs < before.ServerAtMs)
            {
                result.Add(
                    $"{sender} seq {after.SenderSeq} ({after.Room}) was stored at {after.ServerAtMs}, before its seq {before.SenderSeq} ({before.Room}) at {before.ServerAtMs}",
                    after.AtMs, after.Room, after.RoomSeq, sender, after.MessageId);
            }
        }
    }

    private static void CheckWithinRooms(ResultBuilder result, string sender, List<DeliveredEvent> bySenderSeq)
    {
        var lastInRoom = new Dictionary<(string Room, long Epoch), DeliveredEvent>();
        foreach (var d in bySenderSeq)
        {
            var key = (d.Room, d.Epoch);
            if (lastInRoom.TryGetValue(key, out var previous) && d.RoomSeq <= previous.RoomSeq)
            {
                result.Add(
                    $"{sender} seq {d.SenderSeq} got {d.Room} seq {d.RoomSeq}, not above seq {previous.SenderSeq}'s room seq {previous.RoomSeq}",
                    d.AtMs, d.Room, d.RoomSeq, sender, d.MessageId);
            }

            lastInRoom[key] = d;
        }
    }
}
