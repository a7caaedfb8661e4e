using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

// The coordinator/worker wire contract (README.md in this folder). The bodies live together in one file on
// purpose: they are one versioned contract and read best side by side.

/// <summary>Version constants of the coordinator/worker protocol.</summary>
public static class WorkerProtocol
{
    /// <summary>The protocol version this build speaks; a worker with another version is refused (400).</summary>
    public const int Version = 1;
}

/// <summary><c>POST /v1/register</c>: a worker asks for a shard.</summary>
/// <param name="ProtocolVersion">Must equal <see cref="WorkerProtocol.Version"/>.</param>
/// <param name="Instance">A unique id the worker picks once; registering the same instance twice is refused (409).</param>
/// <param name="Host">The worker's host name (diagnostics).</param>
/// <param name="Pid">The worker's process id (diagnostics).</param>
public sealed record RegisterRequest(int ProtocolVersion, string Instance, string? Host, int Pid);

/// <summary>The answer to a registration: the shard and everything needed to run it.</summary>
public sealed record WorkerAssignment
{
    public required int WorkerId { get; init; }
    public required int ShardIndex { get; init; }
    public required int ShardCount { get; init; }

    /// <summary>The scenario file's JSON as the coordinator loaded it.</summary>
    public required string ScenarioJson { get; init; }

    /// <summary>The client count after command-line overrides.</summary>
    public required int Clients { get; init; }

    /// <summary>The duration after command-line overrides, ms.</summary>
    public required long DurationMs { get; init; }

    public required int Seed { get; init; }

    /// <summary>Base URL of the server process (http://host:port/); tokens come from its /dev/token.</summary>
    public required string ServerUrl { get; init; }

    /// <summary>Test-only bug switches, name → value (the worker applies the client ones).</summary>
    public Dictionary<string, string> Bugs { get; init; } = [];

    /// <summary>How often the worker heartbeats, ms.</summary>
    public required long HeartbeatIntervalMs { get; init; }

    /// <summary>The coordinator's wall clock at its run start, ms since the Unix epoch (server times are converted against it).</summary>
    public long CoordinatorStartUnixMs { get; init; }

    /// <summary>How long one client may take to connect and join at start, ms.</summary>
    public required long StartupTimeoutMs { get; init; }
}

/// <summary><c>GET /v1/clock</c>: the coordinator's run clock.</summary>
public sealed record ClockReading(double CoordinatorMs);

/// <summary><c>POST /v1/workers/{id}/heartbeat</c>: phase, counters and resource use of the worker.</summary>
public sealed record WorkerHeartbeat
{
    public required string Phase { get; init; }
    public long Clients { get; init; }
    public long Connected { get; init; }
    public long Sent { get; init; }
    public long Acked { get; init; }
    public long Delivered { get; init; }
    public long Failed { get; init; }
    public long Reconnects { get; init; }
    public long OutboxDepth { get; init; }
    public long RssBytes { get; init; }
    public long OpenFiles { get; init; }
}

/// <summary>
/// The coordinator's standing orders, returned to every heartbeat (idempotent, so a lost answer is harmless):
/// start the workload at <see cref="StartAtMs"/> (coordinator clock), reach <see cref="QuiesceTargets"/>, or stop.
/// </summary>
public sealed record WorkerCommand
{
    public long? StartAtMs { get; init; }
    public Dictionary<string, long>? QuiesceTargets { get; init; }
    public bool Stop { get; init; }

    /// <summary>Why the coordinator stops the run early, if it does.</summary>
    public string? Abort { get; init; }
}

/// <summary><c>POST /v1/workers/{id}/result</c>: everything but the history (sent before, as NDJSON).</summary>
public sealed record WorkerResult
{
    public required int WorkerId { get; init; }
    public required int Clients { get; init; }

    /// <summary>Coordinator ms at the worker's run-clock zero: added to every time the worker recorded.</summary>
    public required double ShiftMs { get; init; }
    public required double ClockOffsetMs { get; init; }
    public required double ClockUncertaintyMs { get; init; }

    /// <summary>The offset measured again when the shard was done (the history is moved along the line between the two); null from a worker that did not.</summary>
    public double? ClockEndOffsetMs { get; init; }
    public double? ClockEndUncertaintyMs { get; init; }
    public List<string> NetworkFaultActions { get; init; } = [];
    public string? HarnessError { get; init; }

    /// <summary>Why the worker's history could not be spilled to disk (kept in memory); null when it could.</summary>
    public string? HistorySpillError { get; init; }
    public List<string> StuckClients { get; init; } = [];
    public bool Quiesced { get; init; }
    public bool Interrupted { get; init; }
    public long HealedAtMs { get; init; }
    public long Events { get; init; }
    public long Sent { get; init; }
    public long Acked { get; init; }
    public long Delivered { get; init; }
    public long Failed { get; init; }
    public long Refused { get; init; }
    public long ConnectAttempts { get; init; }
    public long PeakRssBytes { get; init; }
    public double CpuSeconds { get; init; }
    public long PeakOpenFiles { get; init; }

    /// <summary>RSS after a full GC before the worker made its clients, in bytes.</summary>
    public long BaselineRssBytes { get; init; }

    /// <summary>RSS after a full GC once all its clients were connected and joined (before the workload), in bytes.</summary>
    public long ReadyRssBytes { get; init; }

    /// <summary>How late each of the worker's once-a-second ticks ran, on the coordinator's clock (optional: null from a worker that did not measure it).</summary>
    public List<SchedulingLagSample>? SchedulingLag { get; init; }
}

/// <summary>Every 4xx answer: what was wrong.</summary>
public sealed record ProtocolError(string Error);
