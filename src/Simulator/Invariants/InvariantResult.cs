namespace ChatResilience.Simulator.Invariants;

/// <summary>The verdict of one checker.</summary>
public enum InvariantStatus
{
    /// <summary>Enough samples, no violation.</summary>
    Passed,

    /// <summary>At least one violation.</summary>
    Failed,

    /// <summary>No violation, but fewer samples than the scenario's minimum: not a pass (exit 3).</summary>
    Inconclusive,
}

/// <summary>What one checker found: its samples (what it examined), the minimum asked, and the violations.</summary>
public sealed record InvariantResult
{
    public required string Name { get; init; }
    public long Samples { get; init; }
    public long MinSamples { get; init; }
    public IReadOnlyList<Violation> Violations { get; init; } = [];

    /// <summary>Free-form facts for the report (e.g. the KS statistic, α and sample count).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Set when the checker lacks evidence for a part of its guarantee although it has enough samples overall
    /// (e.g. too few delays at the backoff cap for the statistical test the scenario asked for): makes it inconclusive.
    /// </summary>
    public string? InconclusiveReason { get; init; }

    /// <summary>Total violations found; <see cref="Violations"/> may hold fewer (capped per checker).</summary>
    public long ViolationCount { get; init; }

    public InvariantStatus Status =>
        Violations.Count > 0 || ViolationCount > 0 ? InvariantStatus.Failed
        : Samples < MinSamples || InconclusiveReason is not null ? InvariantStatus.Inconclusive
        : InvariantStatus.Passed;
}
