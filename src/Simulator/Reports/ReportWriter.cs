using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// Writes a run's whole <c>--out</c> folder: summary.json, junit.xml, report.html and violations/ (emptied first, so
/// a rerun into the same folder leaves no stale slices). The one writer of these files, for every kind of run.
/// </summary>
public static class ReportWriter
{
    public const string SummaryFileName = "summary.json";
    public const string JUnitFileName = "junit.xml";
    public const string HtmlFileName = "report.html";
    public const string ViolationsFolderName = "violations";

    /// <param name="directory">The output folder (created).</param>
    /// <param name="summary">The run's summary: verdicts, SLOs, counts and identity.</param>
    /// <param name="history">The recorded history (for the plots and the violation slices).</param>
    /// <param name="context">The checkers' context (the policy envelope of the reconnect plot).</param>
    /// <param name="latency">Delivery latency, e.g. <see cref="LatencyRecorder.FromHistory"/>.</param>
    /// <param name="serverLog">The server's log lines on the run clock, in time order; empty when not captured.</param>
    /// <param name="cancellationToken">Stops writing.</param>
    public static async Task WriteAllAsync(
        string directory,
        RunSummary summary,
        RecordedHistory history,
        CheckContext context,
        LatencyRecorder latency,
        IReadOnlyList<ServerLogLine> serverLog,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Directory.CreateDirectory(directory);
        await SummaryFile.WriteAsync(Path.Combine(directory, SummaryFileName), summary, cancellationToken);
        await JUnitReport.WriteAsync(Path.Combine(directory, JUnitFileName), JUnitReport.Build(summary), cancellationToken);
        await HtmlReport.WriteAsync(Path.Combine(directory, HtmlFileName), HtmlReport.Build(summary, history, context, latency, serverLog), cancellationToken);
        await ViolationsWriter.ReplaceAsync(directory, summary.Invariants, history, serverLog, cancellationToken);
    }
}
