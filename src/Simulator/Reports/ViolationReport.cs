using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>One file of <c>violations/</c>: a violation, the history around it and the server's log of that moment.</summary>
public sealed record ViolationReport
{
    public required Violation Violation { get; init; }

    /// <summary>Events within ±<see cref="ViolationsWriter.SliceRadius"/> touching the violation's room or client, plus run-wide events.</summary>
    public IReadOnlyList<HistoryEvent> History { get; init; } = [];

    public IReadOnlyList<ServerLogLine> ServerLog { get; init; } = [];
}

/// <summary>One server log line and when it was written (ms since the run started).</summary>
public sealed record ServerLogLine(long AtMs, string Line);
