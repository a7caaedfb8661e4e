namespace ChatResilience.Simulator.History;

/// <summary>Milliseconds since the run started, from a <see cref="TimeProvider"/> timestamp plus a start offset.</summary>
internal sealed class RunClock
{
    private readonly TimeProvider _timeProvider;
    private readonly long _start;
    private readonly long _offsetMs;

    public RunClock(TimeProvider timeProvider, TimeSpan startOffset)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _start = timeProvider.GetTimestamp();
        _offsetMs = (long)startOffset.TotalMilliseconds;
    }

    public long NowMs => _offsetMs + (long)_timeProvider.GetElapsedTime(_start).TotalMilliseconds;
}
