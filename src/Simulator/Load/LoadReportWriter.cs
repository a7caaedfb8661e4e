using System.Text.Json;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// Writes a load run's <c>--out</c> folder: summary.json, junit.xml, report.html, load.json, and for a failed safety
/// checker <c>violations/&lt;Checker&gt;-NNN.json</c> as a run writes them (the history around each violation).
/// </summary>
public static class LoadReportWriter
{
    /// <summary>The time series file next to the run's usual reports.</summary>
    public const string SeriesFileName = "load.json";

    /// <param name="directory">The folder (created).</param>
    /// <param name="summary">The summary.</param>
    /// <param name="series">The time series.</param>
    /// <param name="history">The run's history, for the violations' slices.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    public static async Task WriteAllAsync(string directory, LoadSummary summary, LoadSeries series, RecordedHistory history, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(history);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, ReportWriter.SummaryFileName), ToJson(summary), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, SeriesFileName), JsonSerializer.Serialize(series, LoadJsonContext.Default.LoadSeries), cancellationToken);
        await JUnitReport.WriteAsync(
            Path.Combine(directory, ReportWriter.JUnitFileName), JUnitReport.Build(LoadReport.AsRunSummary(summary, series.Windows)), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, ReportWriter.HtmlFileName), LoadHtmlReport.Build(summary, series), cancellationToken);
        // No server log lines: a load run does not capture the embedded server's log.
        await ViolationsWriter.ReplaceAsync(directory, summary.Invariants, history, [], cancellationToken);
    }

    public static string ToJson(LoadSummary summary) => JsonSerializer.Serialize(summary, LoadJsonContext.Default.LoadSummary);
}
