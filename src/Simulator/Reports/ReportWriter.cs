using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>Writes a run's whole <c>--out</c> folder: summary.json, junit.xml, report.html and violations/.</summary>
public static class ReportWriter
{
    public const string SummaryFileName = "summary.json";
    public const string JUnitFileName = "junit.xml";
    public const string HtmlFileName = "report.html";
    public const string ViolationsFolderName = "violations";

    public static async Task WriteAllAsync(
        string directory,
        RunSummary summary,
        RecordedHistory history,
        CheckContext context,
        LatencyRecorder latency,
        IReadOnlyList<(long AtMs, string Line)> serverLog,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Directory.CreateDirectory(directory);
        await SummaryFile.WriteAsync(Path.Combine(directory, SummaryFileName), summary, cancellationToken);
        await JUnitReport.WriteAsync(
            Path.Combine(directory, JUnitFileName), JUnitReport.Build(summary.Invariants, summary.Slos, summary.Duration), cancellationToken);
        await HtmlReport.WriteAsync(Path.Combine(directory, HtmlFileName), HtmlReport.Build(summary, history, context, latency), cancellationToken);
        await ViolationsWriter.WriteAsync(Path.Combine(directory, ViolationsFolderName), summary.Invariants, history, serverLog, cancellationToken);
    }
}
