using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Harness;

/// <summary>What a run produced, before any verdict: the history and the facts about the run itself.</summary>
public sealed record SimulationResult
{
    public required RecordedHistory History { get; init; }
    public required WorkloadPlan Plan { get; init; }

    /// <summary>Hash of the fault actions actually executed (same seed ⇒ same hash).</summary>
    public required string FaultHash { get; init; }

    /// <summary>The executed fault actions, canonical, in schedule order.</summary>
    public required IReadOnlyList<string> FaultActions { get; init; }

    /// <summary>Once-a-second samples of the connected share, with whether a fault window was open.</summary>
    public required IReadOnlyList<ConnectedSample> Samples { get; init; }

    /// <summary>How late each harness process's ticks ran (one entry per process; see <see cref="SchedulingLagProbe"/>).</summary>
    public IReadOnlyList<ProcessLagSamples> SchedulingLag { get; init; } = [];

    /// <summary>The embedded server's log lines on the run clock, oldest first (empty for an external server).</summary>
    public IReadOnlyList<ServerLogLine> ServerLog { get; init; } = [];

    /// <summary>Server log lines dropped because the capture's ring was full.</summary>
    public long ServerLogDropped { get; init; }

    /// <summary>Why the history could not be spilled to disk (it was kept in memory, nothing lost); null when it could.</summary>
    public string? HistorySpillError { get; init; }

    /// <summary>Why the harness failed (watchdog, injector, startup); null when it did not.</summary>
    public string? HarnessError { get; init; }

    /// <summary>The watchdog's dump of stuck clients (empty unless it fired).</summary>
    public IReadOnlyList<string> StuckClients { get; init; } = [];

    /// <summary>True when Ctrl-C stopped the run: the report is partial.</summary>
    public bool Interrupted { get; init; }

    /// <summary>True when every outbox drained and readers converged within the quiesce bound.</summary>
    public bool Quiesced { get; init; }

    public long WorkloadStartMs { get; init; }
    public long HealedAtMs { get; init; }
    public long EndMs { get; init; }
    public long Sent { get; init; }
    public long Acked { get; init; }
    public long Delivered { get; init; }
    public long Failed { get; init; }
    public long Refused { get; init; }
    public long ConnectAttempts { get; init; }
}

/// <summary>The connected share of clients at one instant.</summary>
public sealed record ConnectedSample(long AtMs, double Fraction, bool FaultWindow);
