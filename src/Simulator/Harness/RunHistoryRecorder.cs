using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// The harness's in-process recorder, stamped by one clock: events go straight into the compact form of a
/// <see cref="RecordedHistory"/> (no per-delivery objects for the GC to keep scanning while a run of millions of
/// deliveries goes on; with a spill directory the delivery rows go to disk). Worker id 0; a sharded worker's events
/// are shifted and stamped on upload.
/// </summary>
internal sealed class RunHistoryRecorder(TimeProvider time, string? spillDirectory = null) : IHistoryRecorder
{
    private readonly Lock _lock = new();
    private readonly long _start = time.GetTimestamp();
    private RecordedHistoryBuilder _builder = new(spillDirectory);
    private RecordedHistory? _earlier;
    private long _count;

    /// <summary>Wall-clock time of the run start, ms since the Unix epoch (to convert server <c>at</c> times).</summary>
    public long StartUnixMs { get; } = time.GetUtcNow().ToUnixTimeMilliseconds();

    public long NowMs => (long)time.GetElapsedTime(_start).TotalMilliseconds;

    /// <summary>Why the history could not spill to disk (it was kept in memory), as of the last snapshot; null if it could.</summary>
    public string? SpillError { get; private set; }

    /// <summary>Events recorded so far (cheap, for the progress display and the watchdog).</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Record(HistoryEvent e)
    {
        lock (_lock)
        {
            _builder.Add(e);
        }

        Interlocked.Increment(ref _count);
    }

    /// <summary>Everything recorded so far; recording goes on (a later snapshot includes this one's events).</summary>
    public RecordedHistory Snapshot()
    {
        lock (_lock)
        {
            var latest = _builder.Build();
            SpillError ??= _builder.SpillError;
            _builder = new RecordedHistoryBuilder(spillDirectory);
            _earlier = _earlier is null ? latest : RecordedHistory.Merge([_earlier, latest]);
            return _earlier;
        }
    }
}
