using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>Everything a run's <c>summary.json</c> says: enough to compare runs and to repeat this one.</summary>
public sealed record RunSummary
{
    /// <summary>chatsim's version.</summary>
    public required string ToolVersion { get; init; }

    public long Seed { get; init; }

    /// <summary>The commit chatsim was built from, when known.</summary>
    public string? GitCommit { get; init; }

    public required string ScenarioName { get; init; }

    /// <summary>SHA-256 of the scenario file (lower-case hex), see <see cref="FaultHash.Sha256OfFile"/>.</summary>
    public required string ScenarioSha256 { get; init; }

    public required MachineInfo Machine { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    public TimeSpan Duration { get; init; }

    public int ClientCount { get; init; }

    public required RunCounts Counts { get; init; }

    /// <summary>The hash of the executed fault actions (<see cref="Reports.FaultHash"/>): same seed, same hash.</summary>
    public required string FaultHash { get; init; }

    public IReadOnlyList<InvariantResult> Invariants { get; init; } = [];

    public IReadOnlyList<SloResult> Slos { get; init; } = [];

    /// <summary>Online delivery latency (intended send to delivery).</summary>
    public LatencyPercentiles OnlineLatency { get; init; } = new();

    /// <summary>Offline reconciliation time (intended send to delivery of messages composed offline).</summary>
    public LatencyPercentiles OfflineLatency { get; init; } = new();

    public int ExitCode { get; init; }

    /// <summary>The one command that repeats this run (scenario + seed).</summary>
    public required string ReproCommand { get; init; }
}
