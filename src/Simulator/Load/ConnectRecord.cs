namespace ChatResilience.Simulator.Load;

/// <summary>One ramp connection as the harness saw it: connect started, and joined (null when it never joined).</summary>
/// <param name="Index">The client's index in the plan.</param>
/// <param name="StartMs">Connect start, ms since the ramp start.</param>
/// <param name="JoinedMs">All rooms joined, ms since the ramp start; null for a failed or timed-out connect.</param>
/// <param name="Error">Why it failed; null when it joined.</param>
public sealed record ConnectRecord(int Index, long StartMs, long? JoinedMs, string? Error = null)
{
    /// <summary>The <see cref="Error"/> of a connect cut off by the end of the run (or Ctrl-C): not the server's failure.</summary>
    public const string RunStopped = "run stopped";

    /// <summary>True when it failed or timed out on its own, not because the run stopped.</summary>
    public bool Failed => JoinedMs is null && Error != RunStopped;

    /// <summary>Connect start → joined, ms; null when it never joined.</summary>
    public long? ConnectMs => JoinedMs - StartMs;
}
