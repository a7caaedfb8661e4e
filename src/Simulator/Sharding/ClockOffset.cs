namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// A worker's clock offset to the coordinator: coordinator ms ≈ local ms + <see cref="OffsetMs"/>, the true offset
/// lying within ± <see cref="UncertaintyMs"/> (half the round trip of the sample used, whatever the asymmetry).
/// </summary>
public sealed record ClockOffset(double OffsetMs, double UncertaintyMs, int Samples)
{
    /// <summary>
    /// NTP style: the sample with the least round trip wins, its offset taken at the midpoint of the round trip.
    /// Queueing only ever adds delay, so the shortest trip bounds the error best.
    /// </summary>
    public static ClockOffset Estimate(IReadOnlyCollection<ClockSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0 || samples.Any(s => s.RoundTripMs < 0))
        {
            throw new ArgumentException("clock estimation needs at least one sample, none with a negative round trip", nameof(samples));
        }

        var best = samples.MinBy(s => s.RoundTripMs);
        return new ClockOffset(best.CoordinatorMs - ((best.SentLocalMs + best.ReceivedLocalMs) / 2), best.RoundTripMs / 2, samples.Count);
    }
}
