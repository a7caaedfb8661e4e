using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.4: no client hands the application the same stored message twice — neither the same
/// (room, epoch, room seq) nor the same message id. Samples: deliveries examined. Keeps no state per delivery
/// (<see cref="DeliveryIndex"/>).
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
        var index = new DeliveryIndex();
        foreach (var d in history.OfType<DeliveredEvent>())
        {
            result.Samples++;
            if (!index.Add(d, out var elsewhere))
            {
                result.Add(
                    $"{d.ClientId} got {d.Room} epoch {d.Epoch} seq {d.RoomSeq} twice (second time as {d.MessageId})",
                    d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
            }
            else if (elsewhere is { } first)
            {
                result.Add(
                    $"{d.ClientId} got message {d.MessageId} twice (second time at {d.Room} epoch {d.Epoch} seq {d.RoomSeq}, first at {first.Room} epoch {first.Epoch} seq {first.Seq})",
                    d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
            }
        }

        result.Detail("streams", index.Streams);
        return result.Build();
    }
}
