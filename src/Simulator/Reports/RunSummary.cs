using System.Text.Json.Serialization;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// Everything a run's <c>summary.json</c> says: enough to compare runs and to repeat this one. The JSON is this
/// record in camelCase (see <see cref="SummaryFile"/>); each checker keeps its first
/// <see cref="SummaryFile.ViolationsPerChecker"/> violations there, the rest are counted (<c>violationCount</c>) and
/// sliced in <c>violations/</c>.
/// </summary>
public sealed record RunSummary
{
    /// <summary>chatsim's version.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>The scenario's name.</summary>
    public required string Scenario { get; init; }

    /// <summary>The scenario file as given on the command line, when there was one.</summary>
    public string? ScenarioSource { get; init; }

    /// <summary>SHA-256 of the scenario file (lower-case hex), see <see cref="FaultHash.Sha256OfFile"/>.</summary>
    public required string ScenarioHash { get; init; }

    public long Seed { get; init; }

    /// <summary>0 pass, 1 invariant violated, 2 SLO breached, 3 inconclusive, 4 harness failure (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; init; }

    /// <summary>The one command that repeats this run (scenario + seed + bug switches).</summary>
    public required string RepeatCommand { get; init; }

    /// <summary>The commit chatsim was built from, when known.</summary>
    public string? GitCommit { get; init; }

    public required MachineInfo Machine { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    /// <summary>Run time from start to the end of quiescence, in ms.</summary>
    public long DurationMs { get; init; }

    /// <summary><see cref="DurationMs"/> as a duration.</summary>
    [JsonIgnore]
    public TimeSpan Duration => TimeSpan.FromMilliseconds(DurationMs);

    /// <summary>Hash of the planned workload and fault schedule (same seed, same plan).</summary>
    public string? PlanHash { get; init; }

    /// <summary>The hash of the executed fault actions (<see cref="FaultHash"/>): same seed, same hash.</summary>
    public required string ExecutedFaultHash { get; init; }

    /// <summary>The executed fault actions, canonical, in schedule order.</summary>
    public IReadOnlyList<string> ExecutedFaults { get; init; } = [];

    /// <summary>Virtual clients in the run.</summary>
    public int Clients { get; init; }

    /// <summary>When the workload started (after setup), ms since the run started.</summary>
    public long WorkloadStartMs { get; init; }

    /// <summary>When every fault was healed, ms since the run started.</summary>
    public long HealedAtMs { get; init; }

    /// <summary>True when every outbox drained and readers converged within the quiesce bound.</summary>
    public bool Quiesced { get; init; }

    /// <summary>True when Ctrl-C stopped the run: the report is partial.</summary>
    public bool Interrupted { get; init; }

    /// <summary>Why the harness failed (watchdog, injector, startup); null when it did not.</summary>
    public string? HarnessError { get; init; }

    /// <summary>Why the recorded history could not be spilled to disk (it was kept in memory, nothing lost); null when it could.</summary>
    public string? HistorySpillError { get; init; }

    /// <summary>How far behind its own schedule each harness process ran, and a warning when that exceeded the scheduling tolerance.</summary>
    public HarnessLoad? HarnessLoad { get; init; }

    /// <summary>The watchdog's dump of stuck clients (empty unless it fired).</summary>
    public IReadOnlyList<string> StuckClients { get; init; } = [];

    public required RunCounts Counts { get; init; }

    /// <summary>Server log lines captured (embedded server only; <c>violations/</c> holds those around each violation).</summary>
    public long ServerLogLines { get; init; }

    /// <summary>Server log lines dropped because the capture was full (the oldest go first).</summary>
    public long ServerLogDropped { get; init; }

    /// <summary>Every SLO metric measured, bounded by the scenario or not, by name.</summary>
    public IReadOnlyDictionary<string, MetricValue> Metrics { get; init; } = new Dictionary<string, MetricValue>();

    public IReadOnlyList<InvariantResult> Invariants { get; init; } = [];

    public IReadOnlyList<SloResult> Slos { get; init; } = [];

    /// <summary>Online delivery latency (intended send to delivery).</summary>
    public LatencyPercentiles OnlineLatency { get; init; } = new();

    /// <summary>Offline reconciliation time (intended send to delivery of messages composed offline).</summary>
    public LatencyPercentiles OfflineLatency { get; init; } = new();

    /// <summary>True when the harness failed or the run was interrupted: the run proves nothing.</summary>
    [JsonIgnore]
    public bool HarnessFailed => HarnessError is not null || Interrupted;
}
