namespace ChatResilience.Simulator.Scenarios;

/// <summary>
/// A chatsim scenario (schema version 1, documented in chaos/scenarios/README.md): who connects, what they
/// do, which faults hit them when, and what counts as a pass. Loaded and validated by <see cref="ScenarioLoader"/>.
/// </summary>
public sealed record Scenario
{
    /// <summary>The only schema version this build reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of the file; must be <see cref="CurrentSchemaVersion"/>.</summary>
    public int SchemaVersion { get; init; }

    /// <summary>Short name used in reports and the repeat command. Required.</summary>
    public string Name { get; init; } = "";

    /// <summary>What the scenario exercises. Default: empty.</summary>
    public string Description { get; init; } = "";

    /// <summary>How long the workload runs (faults and sends are scheduled within it). Default: 30 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The seed used when the command line gives none. Default: 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Virtual clients and their groups (one fault proxy per group).</summary>
    public ClientsSpec Clients { get; init; } = new();

    /// <summary>The client library's configuration for every virtual client.</summary>
    public ClientConfigSpec Client { get; init; } = new();

    /// <summary>Users, rooms, send rates and client behaviour.</summary>
    public WorkloadSpec Workload { get; init; } = new();

    /// <summary>The fault timeline: network faults on group proxies and harness faults. Default: none.</summary>
    public IReadOnlyList<FaultSpec> Faults { get; init; } = [];

    /// <summary>Time bounds the checkers apply.</summary>
    public BoundsSpec Bounds { get; init; } = new();

    /// <summary>Service-level objectives by metric name (see <see cref="SloMetrics"/>); a name ending in <c>_min</c> is a lower bound, any other an upper bound. Default: none.</summary>
    public IReadOnlyDictionary<string, double> Slos { get; init; } = new Dictionary<string, double>();

    /// <summary>Minimum samples per checker name; fewer make the run inconclusive (exit 3). Default: none (1 each).</summary>
    public IReadOnlyDictionary<string, long> MinSamples { get; init; } = new Dictionary<string, long>();

    /// <summary>Ramp and hold for <c>chatsim load</c> (versioned; ignored by <c>run</c>). Default: none (load mode uses <see cref="LoadSpec"/> defaults).</summary>
    public LoadSpec? Load { get; init; }
}
