using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Load;

/// <summary>What a load run produced, before windows and verdict: history, connects and samples (times relative to the ramp start).</summary>
public sealed record LoadResult
{
    public required RecordedHistory History { get; init; }
    public required WorkloadPlan Plan { get; init; }

    /// <summary>Recorder time of the ramp start (history times minus this = ramp-relative).</summary>
    public long OriginMs { get; init; }

    /// <summary>End of the load (ramp + hold), ms since the ramp start.</summary>
    public long LoadEndMs { get; init; }

    /// <summary>When the run stopped (after the drain), ms since the ramp start.</summary>
    public long EndMs { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public required IReadOnlyList<ConnectRecord> Connects { get; init; }
    public required IReadOnlyList<LoadSample> Samples { get; init; }

    /// <summary>Planned sends skipped because their client had not joined yet (slow connects), not counted as sent.</summary>
    public long SendsSkippedNotJoined { get; init; }

    /// <summary>Where the server CPU and memory came from.</summary>
    public required string ResourceSource { get; init; }

    /// <summary>The last /metrics scrape error, if any.</summary>
    public string? ResourceError { get; init; }

    /// <summary>The executed fault actions (canonical) and their hash.</summary>
    public IReadOnlyList<string> FaultActions { get; init; } = [];

    public string? HarnessError { get; init; }
    public bool Interrupted { get; init; }

    /// <summary>Each load process's own scheduling lag, for a run over several; null: this process's, from <see cref="Samples"/>.</summary>
    public IReadOnlyList<ProcessLagSamples>? HarnessLag { get; init; }

    /// <summary>The clock offsets of load processes on other machines (<c>--external-processes</c>); empty otherwise.</summary>
    public IReadOnlyList<Sharded.Remote.ProcessClock> ProcessClocks { get; init; } = [];
}
