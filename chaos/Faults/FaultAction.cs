namespace ChatResilience.Chaos.Faults;

/// <summary>A planned action: at <paramref name="At"/> from run start, apply or remove fault number <paramref name="FaultIndex"/>.</summary>
public sealed record FaultAction(TimeSpan At, FaultActionKind Kind, int FaultIndex, Fault Fault);
