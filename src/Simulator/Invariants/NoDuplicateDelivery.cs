using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.4: no client hands the application the same stored message twice — neither the same
/// (room, epoch, room seq) nor the same message id. Samples: deliveries examined.
/// </summary>
public sealed class NoDuplicateDelivery : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(NoDuplicateDelivery);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var strings = new Interner();
        var messages = new Interner(history.Events.Count / 8);
        var byPlace = new HashSet<(int Reader, int Room, long Epoch, long Seq)>(history.Events.Count);
        var byId = new HashSet<long>(history.Events.Count, PairComparer.Instance);
        foreach (var e in history.Events)
        {
            if (e is not DeliveredEvent d)
            {
                continue;
            }

            result.Samples++;
            var reader = strings.Id(d.ClientId);
            if (!byPlace.Add((reader, strings.Id(d.Room), d.Epoch, d.RoomSeq)))
            {
                result.Add(
                    $"{d.ClientId} got {d.Room} epoch {d.Epoch} seq {d.RoomSeq} twice (second time as {d.MessageId})",
                    d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
            }
            else if (!byId.Add(Interner.Pair(reader, messages.Id(d.MessageId))))
            {
                result.Add(
                    $"{d.ClientId} got message {d.MessageId} twice (second time at {d.Room} epoch {d.Epoch} seq {d.RoomSeq})",
                    d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
            }
        }

        return result.Build();
    }
}
