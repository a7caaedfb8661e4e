namespace ChatResilience.Simulator.Load;

/// <summary>
/// When each connection of a ramp starts: connection <c>i</c> (0-based) at <c>i / rate</c> seconds after the
/// ramp starts, so the first starts at once and <c>rate</c> start in every second. Pure arithmetic.
/// </summary>
public sealed record RampSchedule
{
    public RampSchedule(int target, double ratePerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(target, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        Target = target;
        RatePerSecond = ratePerSecond;
    }

    /// <summary>Connections the ramp reaches.</summary>
    public int Target { get; }

    /// <summary>Connections started per second.</summary>
    public double RatePerSecond { get; }

    /// <summary>Time from the ramp start until the last connection starts.</summary>
    public TimeSpan Duration => StartOffset(Target - 1);

    /// <summary>Offset from the ramp start at which connection <paramref name="index"/> starts (whole ms).</summary>
    public TimeSpan StartOffset(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return TimeSpan.FromMilliseconds(Math.Floor(index * 1000.0 / RatePerSecond));
    }

    /// <summary>How many connections have started by <paramref name="elapsed"/> after the ramp start.</summary>
    public int StartedBy(TimeSpan elapsed) =>
        elapsed < TimeSpan.Zero ? 0 : Math.Min(Target, (int)Math.Floor(elapsed.TotalMilliseconds * RatePerSecond / 1000.0 + 1e-9) + 1);
}
