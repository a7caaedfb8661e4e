using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>Does nothing (Toxiproxy noop toxic): a control for the fault machinery itself.</summary>
public sealed record NoopFault : Fault
{
    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => new NoopAttributes();
}
