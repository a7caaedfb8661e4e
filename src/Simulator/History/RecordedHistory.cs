namespace ChatResilience.Simulator.History;

/// <summary>An immutable, time-ordered history: the only input of the invariant checkers.</summary>
public sealed class RecordedHistory
{
    public RecordedHistory(IEnumerable<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);

        // A stable sort keeps the recording order of events observed in the same millisecond.
        Events = [.. events.Select((e, i) => (e, i)).OrderBy(p => p.e.AtMs).ThenBy(p => p.i).Select(p => p.e)];
    }

    public IReadOnlyList<HistoryEvent> Events { get; }

    /// <summary>Events of one type, in time order.</summary>
    public IEnumerable<T> OfType<T>()
        where T : HistoryEvent => Events.OfType<T>();

    /// <summary>Merges histories recorded by several workers into one (already offset-corrected).</summary>
    public static RecordedHistory Merge(IEnumerable<RecordedHistory> parts) =>
        new(parts.SelectMany(p => p.Events));
}
