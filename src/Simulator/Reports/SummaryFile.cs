using System.Text.Json;

namespace ChatResilience.Simulator.Reports;

/// <summary>Writes and reads <c>summary.json</c>.</summary>
public static class SummaryFile
{
    /// <summary>Violations kept per checker in the summary (all are counted; <c>violations/</c> has the slices). 5.</summary>
    public const int ViolationsPerChecker = 5;

    public static string ToJson(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);

        // A broken run may hold a thousand violations per checker: the summary stays small enough to read.
        var trimmed = summary with
        {
            Invariants = [.. summary.Invariants.Select(i => i.Violations.Count <= ViolationsPerChecker ? i : i with { Violations = [.. i.Violations.Take(ViolationsPerChecker)] })],
        };
        return JsonSerializer.Serialize(trimmed, ReportJsonContext.Default.RunSummary);
    }

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
