using System.Collections.Concurrent;

namespace ChatResilience.Simulator.History;

/// <summary>
/// Keeps every event in memory (a lock-free queue: thousands of clients record concurrently). For runs whose
/// history fits in memory; long runs use <see cref="SpillingHistoryRecorder"/>.
/// </summary>
public sealed class InMemoryHistoryRecorder : IHistoryRecorder
{
    private readonly ConcurrentQueue<HistoryEvent> _events = new();
    private readonly RunClock _clock;
    private readonly int _worker;

    /// <param name="timeProvider">The clock; <see cref="NowMs"/> counts from construction.</param>
    /// <param name="worker">Stamped on every event recorded here (0 for a single-process run).</param>
    /// <param name="startOffset">
    /// How long after the coordinator's run start this recorder was created, measured on the coordinator's clock
    /// (offset-corrected by the worker), so that all workers' <see cref="NowMs"/> share one origin. Default zero.
    /// </param>
    public InMemoryHistoryRecorder(TimeProvider timeProvider, int worker = 0, TimeSpan startOffset = default)
    {
        _clock = new RunClock(timeProvider, startOffset);
        _worker = worker;
    }

    /// <inheritdoc />
    public long NowMs => _clock.NowMs;

    /// <summary>Events recorded so far.</summary>
    public int Count => _events.Count;

    /// <inheritdoc />
    public void Record(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _events.Enqueue(e.Worker == _worker ? e : e with { Worker = _worker });
    }

    /// <inheritdoc />
    public RecordedHistory Snapshot() => new(_events.ToArray());
}
