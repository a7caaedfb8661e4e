using System.Text.Json;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Load;

/// <summary>Writes a load run's <c>--out</c> folder: summary.json, junit.xml, report.html and load.json.</summary>
public static class LoadReportWriter
{
    /// <summary>The time series file next to the run's usual reports.</summary>
    public const string SeriesFileName = "load.json";

    public static async Task WriteAllAsync(string directory, LoadSummary summary, LoadSeries series, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(series);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, ReportWriter.SummaryFileName), ToJson(summary), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, SeriesFileName), JsonSerializer.Serialize(series, LoadJsonContext.Default.LoadSeries), cancellationToken);
        await JUnitReport.WriteAsync(
            Path.Combine(directory, ReportWriter.JUnitFileName), JUnitReport.Build(LoadReport.AsRunSummary(summary, series.Windows)), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, ReportWriter.HtmlFileName), LoadHtmlReport.Build(summary, series), cancellationToken);
    }

    public static string ToJson(LoadSummary summary) => JsonSerializer.Serialize(summary, LoadJsonContext.Default.LoadSummary);
}
