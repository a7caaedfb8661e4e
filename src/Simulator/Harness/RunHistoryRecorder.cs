using System.Collections.Concurrent;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// The harness's in-process recorder: a lock-free queue stamped by one clock. Worker id 0 (single process);
/// a sharded run would give each worker its id and offset (issue 7).
/// </summary>
internal sealed class RunHistoryRecorder(TimeProvider time) : IHistoryRecorder
{
    private readonly ConcurrentQueue<HistoryEvent> _events = new();
    private readonly long _start = time.GetTimestamp();
    private long _count;

    /// <summary>Wall-clock time of the run start, ms since the Unix epoch (to convert server <c>at</c> times).</summary>
    public long StartUnixMs { get; } = time.GetUtcNow().ToUnixTimeMilliseconds();

    public long NowMs => (long)time.GetElapsedTime(_start).TotalMilliseconds;

    /// <summary>Events recorded so far (cheap, for the progress display and the watchdog).</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Record(HistoryEvent e)
    {
        _events.Enqueue(e);
        Interlocked.Increment(ref _count);
    }

    public RecordedHistory Snapshot() => new(_events.ToArray());
}
