using System.Globalization;

namespace ChatResilience.Chaos.Faults;

/// <summary>An action the schedule actually executed (or tried to: <paramref name="Error"/> is then set).</summary>
/// <param name="ScheduledAt">Planned offset from run start (deterministic for a fault list).</param>
/// <param name="ExecutedAt">Offset measured on the schedule's clock when the action finished.</param>
/// <param name="Kind">Apply or remove.</param>
/// <param name="FaultIndex">Index of the fault in the schedule's list.</param>
/// <param name="Fault">The fault.</param>
/// <param name="Error">Null on success; the failure message otherwise.</param>
public sealed record ExecutedFaultAction(TimeSpan ScheduledAt, TimeSpan ExecutedAt, FaultActionKind Kind, int FaultIndex, Fault Fault, string? Error)
{
    /// <summary>
    /// A stable one-line form for hashing "fault actions actually executed": planned time, action, index,
    /// type, proxy and outcome; not the measured time, which varies run to run.
    /// </summary>
    public string ToCanonicalString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{ScheduledAt.Ticks} {Kind} #{FaultIndex} {Fault.Type} {Fault.Proxy} {Fault.Direction} {(Error is null ? "ok" : "failed")}");
}
