using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>One file of <c>violations/</c>: a violation, the history around it and the server's log of that moment.</summary>
public sealed record ViolationReport
{
    public required Violation Violation { get; init; }

    /// <summary>Events within ±<see cref="ViolationsWriter.SliceRadius"/> touching the violation's room or client, plus run-wide events.</summary>
    public IReadOnlyList<HistoryEvent> History { get; init; } = [];

    /// <summary>True when the slice held more than <see cref="ViolationsWriter.MaxEventsPerSlice"/> events and was cut to the nearest ones.</summary>
    public bool HistoryTruncated { get; init; }

    /// <summary>The server's log lines within ±<see cref="ViolationsWriter.SliceRadius"/> (empty for an external server).</summary>
    public IReadOnlyList<ServerLogLine> ServerLog { get; init; } = [];
}
