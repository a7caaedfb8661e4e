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
        var byPlace = new HashSet<(string Reader, string Room, long Epoch, long Seq)>();
        var byId = new HashSet<(string Reader, string MessageId)>();
        foreach (var e in history.Events)
        {
            if (e is not DeliveredEvent d)
            {
                continue;
            }

            result.Samples++;
            if (!byPlace.Add((d.ClientId, d.Room, d.Epoch, d.RoomSeq)))
            {
                result.Add(
                    $"{d.ClientId} got {d.Room} epoch {d.Epoch} seq {d.RoomSeq} twice (second time as {d.MessageId})",
                    d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
            }
            else if (!byId.Add((d.ClientId, d.MessageId)))
            {
                result.Add(
                    $"{d.ClientId} got message {d.MessageId} twice (second time at {d.Room} epoch {d.Epoch} seq {d.RoomSeq})",
                    d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
            }
        }

        return result.Build();
    }
}
