namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// One observed reconnect delay: from the failure the harness saw (a close by the peer or a failed attempt) to the
/// start of the client's next attempt, with the policy's bounds for that attempt. The report plots these.
/// </summary>
public sealed record ReconnectDelaySample
{
    public required string ClientId { get; init; }

    /// <summary>When the attempt started (ms since the run started).</summary>
    public long AtMs { get; init; }

    /// <summary>The attempt number the delay was judged as (0 = immediate retry after a healthy connection).</summary>
    public int Attempt { get; init; }

    public long DelayMs { get; init; }

    /// <summary>The policy's lower bound for this attempt (hint included), without tolerance.</summary>
    public long MinMs { get; init; }

    /// <summary>The policy's upper bound for this attempt (hint included), without tolerance.</summary>
    public long MaxMs { get; init; }

    public long? HintMs { get; init; }

    /// <summary>
    /// True when the delay lies within the bounds plus the scheduling tolerance, the upper bound also plus
    /// <see cref="HarnessLagMs"/>.
    /// </summary>
    public bool Within { get; init; }

    /// <summary>The worst lateness the harness measured in this delay's window, ms: allowed on top of the upper bound.</summary>
    public long HarnessLagMs { get; init; }

    /// <summary>
    /// The worst lateness the harness measured around the attempt's start, ms (<see cref="HarnessLagTimeline.WorstAround"/>):
    /// what may have moved the moment the client's timer fired, and with it this delay's value.
    /// </summary>
    public long HarnessLagAtEndMs { get; init; }

    /// <summary>True when the delay is within only because of <see cref="HarnessLagMs"/>: the harness, not the client, made it late.</summary>
    public bool WithinOnlyForHarnessLag { get; init; }

    /// <summary>True when this attempt connected.</summary>
    public bool Connected { get; init; }

    /// <summary>When the attempt's outcome was recorded (connected or failed), ms since the run started.</summary>
    public long OutcomeAtMs { get; init; }

    /// <summary>True for an un-hinted attempt at the cap (a sample of the statistical spread test).</summary>
    public bool AtCap { get; init; }
}
