using System.Text.Json;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Load.Sharded;

/// <summary>
/// What one load process of a sharded run hands its coordinator, as files in its output folder: this record
/// (<see cref="FileName"/>) and its history (<see cref="HistoryFileName"/>, JSON Lines). Every time in both is ms since
/// the agreed ramp start, so the coordinator merges the processes by concatenation. The same files let runs on several
/// machines be merged, given clocks in step.
/// </summary>
public sealed record LoadShardResult
{
    public const string FileName = "shard.json";
    public const string HistoryFileName = "history.jsonl";

    /// <summary>The <c>I/N</c> of the process.</summary>
    public required string Shard { get; init; }

    public DateTimeOffset StartedAt { get; init; }
    public long LoadEndMs { get; init; }
    public long EndMs { get; init; }
    public required IReadOnlyList<ConnectRecord> Connects { get; init; }
    public required IReadOnlyList<LoadSample> Samples { get; init; }
    public long SendsSkippedNotJoined { get; init; }
    public required string ResourceSource { get; init; }
    public string? ResourceError { get; init; }
    public IReadOnlyList<string> FaultActions { get; init; } = [];
    public string? HarnessError { get; init; }
    public bool Interrupted { get; init; }

    /// <summary>Writes <paramref name="result"/> of <paramref name="shard"/> into <paramref name="directory"/>, its history moved to ramp-relative times.</summary>
    public static async Task WriteAsync(string directory, LoadShard shard, LoadResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        // Worker ids are 1-based in merged histories (0 is a one-process run's).
        var origin = result.OriginMs;
        await HistoryFile.WriteAsync(
            Path.Combine(directory, HistoryFileName),
            result.History.Events.Select(e => ClockShift.Apply(e, -origin, shard.Index + 1)),
            cancellationToken);
        var record = new LoadShardResult
        {
            Shard = shard.ToString(),
            StartedAt = result.StartedAt,
            LoadEndMs = result.LoadEndMs,
            EndMs = result.EndMs,
            Connects = result.Connects,
            Samples = result.Samples,
            SendsSkippedNotJoined = result.SendsSkippedNotJoined,
            ResourceSource = result.ResourceSource,
            ResourceError = result.ResourceError,
            FaultActions = result.FaultActions,
            HarnessError = result.HarnessError,
            Interrupted = result.Interrupted,
        };
        await File.WriteAllBytesAsync(Path.Combine(directory, FileName), JsonSerializer.SerializeToUtf8Bytes(record, LoadJsonContext.Default.LoadShardResult), cancellationToken);
    }

    /// <summary>Reads what a load process wrote into <paramref name="directory"/>; a missing or unreadable file is a <see cref="HarnessException"/> naming it.</summary>
    public static async Task<LoadShardResult> ReadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            await using var file = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(file, LoadJsonContext.Default.LoadShardResult, cancellationToken)
                   ?? throw new HarnessException($"{path}: empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new HarnessException($"{path}: {e.Message}", e);
        }
    }
}
