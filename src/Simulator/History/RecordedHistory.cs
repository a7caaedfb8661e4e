using ChatResilience.Simulator.History.Internal;

namespace ChatResilience.Simulator.History;

/// <summary>
/// An immutable, time-ordered history: the only input of the invariant checkers.
/// Stored compactly (see <see cref="RecordedHistoryBuilder"/>): deliveries are rows of numbers and interned strings,
/// and <see cref="Events"/> hands out a fresh <see cref="DeliveredEvent"/> (sharing those strings) each time one is
/// read — short-lived objects the GC collects young, instead of millions of long-lived ones it must keep scanning.
/// Safe to read from several threads at once.
/// </summary>
public sealed class RecordedHistory
{
    private readonly HistoryRows _rows;
    private readonly string[] _strings;
    private readonly HistoryEvent[] _others;

    /// <summary>A history of <paramref name="events"/>, sorted by time (stable).</summary>
    public RecordedHistory(IEnumerable<HistoryEvent> events)
        : this(Collect(events))
    {
    }

    internal RecordedHistory(HistoryRows rows, string[] strings, HistoryEvent[] others, long deliveries)
    {
        _rows = rows;
        _strings = strings;
        _others = others;
        Deliveries = deliveries;
        Events = new EventList(this);
        NonDeliveries = Array.AsReadOnly(others);
    }

    private RecordedHistory(RecordedHistory built)
        : this(built._rows, built._strings, built._others, built.Deliveries)
    {
    }

    /// <summary>Every event in time order.</summary>
    public IReadOnlyList<HistoryEvent> Events { get; }

    /// <summary>
    /// Every event except the deliveries, in time order. A pass that looks at no delivery reads this instead of
    /// <see cref="Events"/>, which would build a <see cref="DeliveredEvent"/> from each of the (many) delivery rows.
    /// </summary>
    public IReadOnlyList<HistoryEvent> NonDeliveries { get; }

    /// <summary>How many of the events are deliveries.</summary>
    public long Deliveries { get; }

    /// <summary>Events of one type, in time order (reading a kind other than deliveries skips the delivery rows).</summary>
    public IEnumerable<T> OfType<T>()
        where T : HistoryEvent =>
        typeof(T) == typeof(DeliveredEvent) ? DeliveredEvents().Cast<T>()
        : typeof(T).IsAssignableFrom(typeof(DeliveredEvent)) ? Events.OfType<T>()
        : NonDeliveries.OfType<T>();

    /// <summary>Merges histories recorded by several workers into one (already offset-corrected).</summary>
    public static RecordedHistory Merge(IEnumerable<RecordedHistory> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var builder = new RecordedHistoryBuilder();
        foreach (var part in parts)
        {
            builder.AddRange(part.Events);
        }

        return builder.Build();
    }

    private static RecordedHistory Collect(IEnumerable<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var builder = new RecordedHistoryBuilder();
        builder.AddRange(events);
        return builder.Build();
    }

    private IEnumerable<HistoryEvent> DeliveredEvents()
    {
        for (var i = 0; i < _rows.Count; i++)
        {
            if (_rows[i].IsDelivery)
            {
                yield return At(i);
            }
        }
    }

    private HistoryEvent At(int index)
    {
        ref readonly var row = ref _rows[index];
        if (!row.IsDelivery)
        {
            return _others[row.Other];
        }

        return new DeliveredEvent
        {
            AtMs = row.AtMs,
            Worker = row.Worker,
            ClientId = _strings[row.Client],
            Room = _strings[row.Room],
            Epoch = row.Epoch,
            RoomSeq = row.RoomSeq,
            MessageId = _strings[row.Message],
            SenderClientId = _strings[row.SenderClient],
            SenderUserId = _strings[row.SenderUser],
            SenderSeq = row.SenderSeq,
            ServerAtMs = row.ServerAtMs,
            ReplyToSeq = row.ReplyToSeq == HistoryRow.NoReply ? null : row.ReplyToSeq,
        };
    }

    /// <summary>The events as a list; reading a delivery builds its object from the row.</summary>
    private sealed class EventList(RecordedHistory history) : IReadOnlyList<HistoryEvent>
    {
        public int Count => history._rows.Count;

        public HistoryEvent this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
                return history.At(index);
            }
        }

        public IEnumerator<HistoryEvent> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return history.At(i);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
