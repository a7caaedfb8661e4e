namespace ChatResilience.Simulator.Load;

/// <summary>One ramp connection as the harness saw it: connect started, and joined (null when it never joined).</summary>
/// <param name="Index">The client's index in the plan.</param>
/// <param name="StartMs">Connect start, ms since the ramp start.</param>
/// <param name="JoinedMs">All rooms joined, ms since the ramp start; null for a failed or timed-out connect.</param>
/// <param name="Error">Why it failed; null when it joined.</param>
public sealed record ConnectRecord(int Index, long StartMs, long? JoinedMs, string? Error = null)
{
    /// <summary>Connect start → joined, ms; null when it never joined.</summary>
    public long? ConnectMs => JoinedMs - StartMs;
}
