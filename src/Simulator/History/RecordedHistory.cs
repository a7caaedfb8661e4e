namespace ChatResilience.Simulator.History;

/// <summary>An immutable, time-ordered history: the only input of the invariant checkers.</summary>
public sealed class RecordedHistory
{
    public RecordedHistory(IEnumerable<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events.ToArray();
        if (!IsOrdered(list))
        {
            // A stable sort keeps the recording order of events observed in the same millisecond.
            var keys = new (long AtMs, int Index)[list.Length];
            for (var i = 0; i < list.Length; i++)
            {
                keys[i] = (list[i].AtMs, i);
            }

            Array.Sort(keys, list);
        }

        Events = list;
    }

    public IReadOnlyList<HistoryEvent> Events { get; }

    /// <summary>Events of one type, in time order.</summary>
    public IEnumerable<T> OfType<T>()
        where T : HistoryEvent => Events.OfType<T>();

    /// <summary>Merges histories recorded by several workers into one (already offset-corrected).</summary>
    public static RecordedHistory Merge(IEnumerable<RecordedHistory> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new(parts.SelectMany(p => p.Events));
    }

    private static bool IsOrdered(HistoryEvent[] events)
    {
        for (var i = 1; i < events.Length; i++)
        {
            if (events[i].AtMs < events[i - 1].AtMs)
            {
                return false;
            }
        }

        return true;
    }
}
