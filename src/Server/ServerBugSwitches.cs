namespace ChatResilience.Server;

/// <summary>
/// TEST ONLY. Deliberate bugs the simulator's gate tests switch on to prove its invariant checkers catch
/// them. Every switch is off by default and each is one obvious guard at the place it breaks; never set
/// them in production.
/// </summary>
public sealed record ServerBugSwitches
{
    /// <summary>Drops every Nth live delivery of a broadcast (0 = off). Default 0.</summary>
    public int DropBroadcastEveryN { get; init; }

    /// <summary>Forgets live frames held at the replay seam (a hole after resume). Default false.</summary>
    public bool SkipSeamHold { get; init; }

    /// <summary>Stores a replayed (already acked) send a second time (a duplicate). Default false.</summary>
    public bool StoreReplayTwice { get; init; }

    /// <summary>The assistant answers each message twice (skips its dedup). Default false.</summary>
    public bool AnswerAssistantTwice { get; init; }

    /// <summary>True when any bug is switched on.</summary>
    public bool AnyOn => DropBroadcastEveryN > 0 || SkipSeamHold || StoreReplayTwice || AnswerAssistantTwice;
}
