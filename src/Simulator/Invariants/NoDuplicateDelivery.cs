using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.4: no client hands the application the same stored message twice — neither the same
/// (room, epoch, room seq) nor the same message id. Samples: deliveries examined.
/// Memory grows with streams and messages, not deliveries: each reader's seqs per (room, epoch) are kept as ranges,
/// and a message id maps to the place(s) it was delivered at — a second place means the message was stored twice,
/// and a reader that got it at both got it twice.
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
        var messages = new Interner();
        var streams = new Dictionary<(int Reader, int Room, long Epoch), SeqRanges>();
        var firstPlace = new Dictionary<int, Place>();
        var morePlaces = new Dictionary<int, List<Place>>();
        foreach (var d in history.OfType<DeliveredEvent>())
        {
            result.Samples++;
            var reader = strings.Id(d.ClientId);
            var place = new Place(strings.Id(d.Room), d.Epoch, d.RoomSeq);
            if (!Stream(streams, reader, place).Add(place.Seq))
            {
                result.Add(
                    $"{d.ClientId} got {d.Room} epoch {d.Epoch} seq {d.RoomSeq} twice (second time as {d.MessageId})",
                    d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
                continue;
            }

            var message = messages.Id(d.MessageId);
            if (!firstPlace.TryGetValue(message, out var first))
            {
                firstPlace[message] = place;
                continue;
            }

            if (first == place)
            {
                continue;
            }

            // The message is stored at more than one place: this reader got it twice if it already has another one.
            if (!morePlaces.TryGetValue(message, out var others))
            {
                morePlaces[message] = others = [];
            }

            var elsewhere = first;
            var twice = Has(streams, reader, first);
            foreach (var other in others)
            {
                if (!twice && other != place && Has(streams, reader, other))
                {
                    (twice, elsewhere) = (true, other);
                }
            }

            if (!others.Contains(place))
            {
                others.Add(place);
            }

            if (twice)
            {
                result.Add(
                    $"{d.ClientId} got message {d.MessageId} twice (second time at {d.Room} epoch {d.Epoch} seq {d.RoomSeq}, first at {strings.Name(elsewhere.Room)} epoch {elsewhere.Epoch} seq {elsewhere.Seq})",
                    d.AtMs, d.Room, d.RoomSeq, d.ClientId, d.MessageId);
            }
        }

        result.Detail("streams", streams.Count);
        return result.Build();
    }

    private static SeqRanges Stream(Dictionary<(int, int, long), SeqRanges> streams, int reader, Place place)
    {
        if (!streams.TryGetValue((reader, place.Room, place.Epoch), out var seqs))
        {
            streams[(reader, place.Room, place.Epoch)] = seqs = new SeqRanges();
        }

        return seqs;
    }

    private static bool Has(Dictionary<(int, int, long), SeqRanges> streams, int reader, Place place) =>
        streams.TryGetValue((reader, place.Room, place.Epoch), out var seqs) && seqs.Contains(place.Seq);

    private readonly record struct Place(int Room, long Epoch, long Seq);
}
