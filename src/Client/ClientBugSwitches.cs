namespace ChatResilience.Client;

/// <summary>
/// TEST-ONLY deliberate faults. All off by default; never turn one on in production. The simulator flips
/// them to prove that its invariant checkers catch the bug each one plants.
/// </summary>
public sealed record ClientBugSwitches
{
    /// <summary>No bugs (the default).</summary>
    public static ClientBugSwitches None { get; } = new();

    /// <summary>At the backoff cap every client waits exactly DelayMax (no spread). Default false.</summary>
    public bool IgnoreJitterAtCap { get; init; }

    /// <summary>Server hints (retryAfterMs, Retry-After) are ignored. Default false.</summary>
    public bool IgnoreRetryAfter { get; init; }

    /// <summary>Two consecutive outbox sends are swapped on the wire. Default false.</summary>
    public bool ReorderSends { get; init; }
}
