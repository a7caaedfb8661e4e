namespace ChatResilience.Chaos.Faults;

/// <summary>What a schedule does to a fault at one instant.</summary>
public enum FaultActionKind
{
    /// <summary>The fault is applied.</summary>
    Apply,

    /// <summary>The fault is removed.</summary>
    Remove,
}
