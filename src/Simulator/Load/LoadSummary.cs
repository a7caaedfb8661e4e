using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// A load run's <c>summary.json</c> (<see cref="Kind"/> <c>"load"</c>): run metadata, the ramp, connect and
/// delivery percentiles, rates, errors, server CPU and memory, and where each SLO first broke. <c>chatsim
/// compare</c> reads it (and run summaries).
/// </summary>
public sealed record LoadSummary
{
    /// <summary>The <see cref="Kind"/> of a load summary.</summary>
    public const string LoadKind = "load";

    /// <summary>Always <c>"load"</c>: tells compare this is not a run summary.</summary>
    public string Kind { get; init; } = LoadKind;

    /// <summary>Version of this file's shape. Default: 1.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required string ToolVersion { get; init; }
    public long Seed { get; init; }
    public string? GitCommit { get; init; }
    public required string ScenarioName { get; init; }

    /// <summary>Hash of the scenario file's text.</summary>
    public required string ScenarioSha256 { get; init; }
    public required MachineInfo Machine { get; init; }
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Ramp start to stop (drain included).</summary>
    public TimeSpan Duration { get; init; }

    public required LoadParameters Load { get; init; }

    /// <summary>What was loaded: <c>"embedded"</c>, <see cref="ServerProcess"/> (a run over several load processes), or the deployment's URL (<c>--server-url</c>).</summary>
    public string ServerUnderTest { get; init; } = Embedded;

    /// <summary>The value of <see cref="ServerUnderTest"/> for the server a run over several load processes starts in a process of its own.</summary>
    public const string ServerProcess = "chatsim server process";

    /// <summary>Load processes that drove the clients (<c>--processes</c>).</summary>
    public int LoadProcesses { get; init; } = 1;

    /// <summary>The clock offsets of load processes on other machines, which bound the merged latencies' error; omitted for processes on this machine.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public IReadOnlyList<Sharded.Remote.ProcessClock>? ProcessClocks { get; init; }

    /// <summary>What carried the clients' faults: <c>"embedded"</c>, or the Toxiproxy server's URL (<c>--toxiproxy-url</c>).</summary>
    public string FaultProxies { get; init; } = Embedded;

    /// <summary>The value of <see cref="ServerUnderTest"/> and <see cref="FaultProxies"/> for the in-process ones.</summary>
    public const string Embedded = "embedded";

    /// <summary>Most connections open at once.</summary>
    public int PeakConnections { get; init; }

    /// <summary>Connect start → rooms joined, harness-observed.</summary>
    public LatencyPercentiles ConnectTime { get; init; } = new();

    /// <summary>
    /// Online delivery latency from the intended send time (HdrHistogram; no coordinated omission), to readers that
    /// had joined by then (a reader joining later gets the message as backfill, counted in delivered/s only).
    /// </summary>
    public LatencyPercentiles DeliveryLatency { get; init; } = new();

    /// <summary>Average rates over the hold (over the whole load when there is no hold).</summary>
    public LoadRates HoldRates { get; init; } = new();

    /// <summary>The highest window rates.</summary>
    public LoadRates PeakRates { get; init; } = new();

    public required RunCounts Counts { get; init; }

    /// <summary>Failed or timed-out connects.</summary>
    public long ConnectFailures { get; init; }

    /// <summary>Planned sends of clients that had not joined yet (not sent, not counted as errors).</summary>
    public long SendsSkippedNotJoined { get; init; }

    /// <summary>Connect failures + failed sends + refused sends.</summary>
    public long Errors { get; init; }

    public required ServerResources Server { get; init; }

    /// <summary>Per SLO: the first window where it broke, or the load it held to.</summary>
    public IReadOnlyList<SloBreak> SloBreaks { get; init; } = [];

    /// <summary>The safety checkers' results (<see cref="LoadInvariants"/>); empty in a summary written before they ran.</summary>
    public IReadOnlyList<InvariantResult> Invariants { get; init; } = [];

    public string? HarnessError { get; init; }

    /// <summary>How far behind its own schedule the load generator ran, and a warning when beyond the scenario's scheduling tolerance.</summary>
    public HarnessLoad? HarnessLoad { get; init; }
    public bool Interrupted { get; init; }
    public int ExitCode { get; init; }

    /// <summary>The one command that repeats this run.</summary>
    public required string ReproCommand { get; init; }
}

/// <summary>The resolved ramp of a load run.</summary>
public sealed record LoadParameters
{
    public int Target { get; init; }
    public double RampRate { get; init; }
    public TimeSpan Hold { get; init; }
    public double MessageRatePerClient { get; init; }

    /// <summary>Clients the rooms had no seat for: connected but idle (see <see cref="LoadSettings.ClientsWithoutRoom"/>).</summary>
    public int ClientsWithoutRoom { get; init; }
    public TimeSpan Window { get; init; }
}

/// <summary>Messages per second.</summary>
public sealed record LoadRates
{
    public double SentPerSecond { get; init; }
    public double AckedPerSecond { get; init; }
    public double DeliveredPerSecond { get; init; }
}

/// <summary>Server CPU (% of one core) and memory (bytes) over the run, and where the numbers came from.</summary>
public sealed record ServerResources
{
    public required string Source { get; init; }
    public double? CpuPercentMean { get; init; }
    public double? CpuPercentMax { get; init; }
    public double? MemoryBytesMax { get; init; }
    public double? MemoryBytesEnd { get; init; }

    /// <summary>The server's scheduling lag over the run, ms: the samples' mean and largest (null when /metrics lacks it).</summary>
    public double? SchedulingLagMsMean { get; init; }

    /// <inheritdoc cref="SchedulingLagMsMean"/>
    public double? SchedulingLagMsMax { get; init; }

    /// <summary>The last scrape error, if any.</summary>
    public string? Error { get; init; }
}

/// <summary><c>load.json</c>: the time series behind the report.</summary>
public sealed record LoadSeries
{
    public required IReadOnlyList<LoadSample> Samples { get; init; }
    public required IReadOnlyList<LoadWindow> Windows { get; init; }
    public required IReadOnlyList<ConnectRecord> Connects { get; init; }
}
