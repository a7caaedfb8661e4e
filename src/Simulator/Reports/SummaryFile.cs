using System.Text.Json;

namespace ChatResilience.Simulator.Reports;

/// <summary>Writes and reads <c>summary.json</c>.</summary>
public static class SummaryFile
{
    public static string ToJson(RunSummary summary) => JsonSerializer.Serialize(summary, ReportJsonContext.Default.RunSummary);

    /// <summary>Parses a summary; throws <see cref="InvalidDataException"/> naming the problem.</summary>
    public static RunSummary FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ReportJsonContext.Default.RunSummary)
                   ?? throw new InvalidDataException("summary: null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"summary: not a run summary ({e.Message})", e);
        }
    }

    public static Task WriteAsync(string path, RunSummary summary, CancellationToken cancellationToken = default) =>
        File.WriteAllTextAsync(path, ToJson(summary), cancellationToken);

    public static async Task<RunSummary> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        FromJson(await File.ReadAllTextAsync(path, cancellationToken));
}
