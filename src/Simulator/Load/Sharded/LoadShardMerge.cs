using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Load.Sharded;

/// <summary>
/// One load result out of the processes of a sharded run, shaped like a one-process run's so the ordinary
/// <see cref="LoadReport"/> judges it: histories concatenated (their times are all ms since the one ramp start),
/// connects side by side (their indexes are the plan's), and the once-a-second samples added up tick by tick.
/// </summary>
public static class LoadShardMerge
{
    /// <summary>
    /// Merges <paramref name="shards"/> (in shard order, each with the folder it wrote) of a run that followed
    /// <paramref name="plan"/>. The server's CPU, memory and lag are the first process's readings: every process
    /// scrapes the same server. Spills history rows to <paramref name="spillDirectory"/> (null: keeps them in memory).
    /// </summary>
    public static async Task<LoadResult> MergeAsync(
        WorkloadPlan plan, IReadOnlyList<(LoadShardResult Result, string Directory)> shards, string? spillDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            throw new ArgumentException("nothing to merge", nameof(shards));
        }

        var history = new RecordedHistoryBuilder(spillDirectory);
        foreach (var (_, directory) in shards)
        {
            var path = Path.Combine(directory, LoadShardResult.HistoryFileName);
            try
            {
                await using var file = File.OpenRead(path);
                await foreach (var e in HistoryFile.ReadEventsAsync(file, cancellationToken))
                {
                    history.Add(e);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new HarnessException($"{path}: {e.Message}", e);
            }
        }

        var results = shards.Select(s => s.Result).ToList();
        var failed = results.FirstOrDefault(r => r.HarnessError is not null);
        return new LoadResult
        {
            History = history.Build(),
            Plan = plan,
            OriginMs = 0,
            LoadEndMs = results.Max(r => r.LoadEndMs),
            EndMs = results.Max(r => r.EndMs),
            StartedAt = results.Min(r => r.StartedAt),
            Connects = [.. results.SelectMany(r => r.Connects).OrderBy(c => c.Index)],
            Samples = Samples(results),
            SendsSkippedNotJoined = results.Sum(r => r.SendsSkippedNotJoined),
            ResourceSource = results[0].ResourceSource,
            ResourceError = results[0].ResourceError,
            // Every process applied the same network faults to its own proxies: one list stands for all.
            FaultActions = results[0].FaultActions,
            HarnessError = failed is null ? null : $"load process {failed.Shard}: {failed.HarnessError}",
            Interrupted = results.Any(r => r.Interrupted),
            HarnessLag = [.. results.Select(r => new ProcessLagSamples($"load process {r.Shard}", [.. r.Samples.Select(s => new SchedulingLagSample(s.AtMs, s.HarnessLagMs))]))],
        };
    }

    /// <summary>
    /// Tick k of the run is every process's sample k (each samples on the same timeline from the same start). Counts
    /// add up; the lag is the worst process's. Only ticks every process reached are kept: a later one would undercount.
    /// </summary>
    public static IReadOnlyList<LoadSample> Samples(IReadOnlyList<LoadShardResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var ticks = results.Count == 0 ? 0 : results.Min(r => r.Samples.Count);
        var merged = new List<LoadSample>(ticks);
        for (var k = 0; k < ticks; k++)
        {
            var at = results.Select(r => r.Samples[k]).ToList();
            merged.Add(at[0] with
            {
                AtMs = at.Max(s => s.AtMs),
                Started = at.Sum(s => s.Started),
                Joined = at.Sum(s => s.Joined),
                Connected = at.Sum(s => s.Connected),
                Sent = at.Sum(s => s.Sent),
                Acked = at.Sum(s => s.Acked),
                Delivered = at.Sum(s => s.Delivered),
                HarnessLagMs = at.Max(s => s.HarnessLagMs),
            });
        }

        return merged;
    }
}
