using System.Globalization;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// A process's clock measured against its coordinator's twice, when its share starts and when it ends. Two machines'
/// clocks run at slightly different rates (tens of ppm without NTP, milliseconds an hour), so an offset probed once
/// drifts out of its ± bound over a long run; between the two measurements the offset is taken as moving linearly,
/// which is how an oscillator's rate error moves it.
/// </summary>
/// <param name="StartLocalMs">The process's clock when the first offset was measured.</param>
/// <param name="Start">The first offset.</param>
/// <param name="EndLocalMs">The process's clock when the second was measured (≥ <paramref name="StartLocalMs"/>).</param>
/// <param name="End">The second offset; the first again when it could not be measured.</param>
public sealed record ClockDrift(double StartLocalMs, ClockOffset Start, double EndLocalMs, ClockOffset End)
{
    /// <summary>How far the offset moved between the measurements, ms (coordinator ms ≈ local ms + offset).</summary>
    public double DriftMs => End.OffsetMs - Start.OffsetMs;

    /// <summary>
    /// The offset at <paramref name="localMs"/> on the process's clock: interpolated between the two measurements,
    /// extrapolated along the same line outside them, the first alone when they were taken at one instant.
    /// </summary>
    public double OffsetAt(double localMs) =>
        EndLocalMs > StartLocalMs ? Start.OffsetMs + (DriftMs * (localMs - StartLocalMs) / (EndLocalMs - StartLocalMs)) : Start.OffsetMs;

    /// <summary>
    /// What moves a time the process recorded <paramref name="atMs"/> after its run clock's zero (which was
    /// <paramref name="zeroLocalMs"/> on its clock) onto the coordinator's clock: the zero plus the offset at that instant.
    /// </summary>
    public long ShiftFor(double zeroLocalMs, long atMs) => (long)Math.Round(zeroLocalMs + OffsetAt(zeroLocalMs + atMs));

    /// <summary>
    /// "clock offset +0.1 ms ± 0.2", and with a second measurement "… at the start, +0.3 ms ± 0.2 at the end (drift
    /// +0.2 ms)", for the console and the reports.
    /// </summary>
    public static string Describe(double offsetMs, double uncertaintyMs, double? endOffsetMs, double? endUncertaintyMs) =>
        endOffsetMs is { } end && endUncertaintyMs is { } endUncertainty
            ? string.Create(CultureInfo.InvariantCulture, $"clock offset {offsetMs:+0.0;-0.0;0.0} ms ± {uncertaintyMs:0.0} at the start, {end:+0.0;-0.0;0.0} ms ± {endUncertainty:0.0} at the end (drift {end - offsetMs:+0.0;-0.0;0.0} ms)")
            : string.Create(CultureInfo.InvariantCulture, $"clock offset {offsetMs:+0.0;-0.0;0.0} ms ± {uncertaintyMs:0.0}");
}
