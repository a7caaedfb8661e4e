namespace ChatResilience.Simulator.History;

/// <summary>
/// Where the harness writes what it observes. Thread-safe: thousands of clients record concurrently.
/// Implementations may keep events in memory or spill them to disk; <see cref="Snapshot"/> returns them
/// merged and ordered by time.
/// </summary>
public interface IHistoryRecorder
{
    /// <summary>Milliseconds since the run started, on the recorder's (offset-corrected) clock.</summary>
    long NowMs { get; }

    /// <summary>Records one event; its <see cref="HistoryEvent.AtMs"/> should come from <see cref="NowMs"/>.</summary>
    void Record(HistoryEvent e);

    /// <summary>Every event recorded so far, ordered by <see cref="HistoryEvent.AtMs"/> (stable).</summary>
    RecordedHistory Snapshot();
}
