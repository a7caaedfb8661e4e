using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// The harness's in-process recorder, stamped by one clock: events go straight into the compact form of a
/// <see cref="RecordedHistory"/> (no per-delivery objects for the GC to keep scanning while a run of millions of
/// deliveries goes on; with a spill directory the delivery rows go to disk). Worker id 0; a sharded worker's events
/// are shifted and stamped on upload.
/// </summary>
/// <remarks>
/// Recording never waits for another thread: an event is queued, and whichever thread finds the builder free moves
/// the queue into it. The builder interns strings and now and then writes a chunk of rows to the spill file, and
/// every virtual client of a worker records through it; under one lock, a holder preempted on a busy machine left
/// the other threads spinning (profiled at 3,000 clients: 2 % of a worker's CPU samples spinning on that lock). The
/// builder sorts by time when built, so queue order only breaks ties, as lock order did; one thread's events keep
/// their order. A snapshot drains the queue first, so nothing queued is left out.
/// </remarks>
internal sealed class RunHistoryRecorder(TimeProvider time, string? spillDirectory = null) : IHistoryRecorder
{
    private readonly Lock _lock = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<HistoryEvent> _queue = new();
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
        _queue.Enqueue(e);
        Interlocked.Increment(ref _count);
        if (_lock.TryEnter())
        {
            try
            {
                Drain();
            }
            finally
            {
                _lock.Exit();
            }
        }
    }

    /// <summary>Under the lock: moves every queued event into the builder.</summary>
    private void Drain()
    {
        while (_queue.TryDequeue(out var e))
        {
            _builder.Add(e);
        }
    }

    /// <summary>Everything recorded so far; recording goes on (a later snapshot includes this one's events).</summary>
    public RecordedHistory Snapshot()
    {
        lock (_lock)
        {
            Drain();
            var latest = _builder.Build();
            SpillError ??= _builder.SpillError;
            _builder = new RecordedHistoryBuilder(spillDirectory);
            _earlier = _earlier is null ? latest : RecordedHistory.Merge([_earlier, latest]);
            return _earlier;
        }
    }
}
