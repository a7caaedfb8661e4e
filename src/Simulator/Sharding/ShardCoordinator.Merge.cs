using System.Security.Cryptography;
using System.Text;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Sharding;

/// <summary>One result out of many: the merged history and the facts of the run, shaped like a one-process run's.</summary>
internal sealed partial class ShardCoordinator
{
    private SimulationResult Merge(WorkloadPlan plan, IReadOnlyList<(WorkerResult Result, RecordedHistoryBuilder History)> uploads, bool interrupted)
    {
        var results = uploads.Select(u => u.Result).ToList();
        var healedAt = results.Count > 0 ? results.Max(r => r.HealedAtMs) : 0;
        var events = new RecordedHistoryBuilder(_settings.HistorySpillDirectory);
        events.AddRange(_events);
        foreach (var (_, history) in uploads)
        {
            // Moves the rows over chunk by chunk: the workers' uploads and the merged history never both fill memory.
            events.AddFrom(history);
        }

        if (results.Count > 0 && healedAt > 0)
        {
            // Every worker heals its own proxies and devices; the run is healed when the last one is.
            events.Add(new HarnessEvent { AtMs = healedAt, Kind = HarnessEventKinds.FaultsHealed });
        }

        var actions = FaultActions(plan, results);
        var workerError = results.FirstOrDefault(r => r.HarnessError is not null);
        var missing = _harnessError is null && results.Count < _options.Workers && !interrupted
            ? $"only {results.Count} of {_options.Workers} worker(s) uploaded results"
            : null;
        var merged = events.Build();
        var spillError = events.SpillError
            ?? uploads.Select(u => u.History.SpillError).FirstOrDefault(e => e is not null)
            ?? results.Where(r => r.HistorySpillError is not null).Select(r => $"worker {r.WorkerId}: {r.HistorySpillError}").FirstOrDefault();
        return new SimulationResult
        {
            History = merged,
            HistorySpillError = spillError,
            Plan = plan,
            FaultHash = Hash(actions),
            FaultActions = actions,
            Samples = [.. _samples],
            SchedulingLag = [new ProcessLagSamples(ProcessLagSamples.Coordinator, _lag.Snapshot()), .. results.OrderBy(r => r.WorkerId).Select(r => new ProcessLagSamples($"worker {r.WorkerId}", r.SchedulingLag ?? []))],
            HarnessError = _harnessError ?? (workerError is null ? missing : $"worker {workerError.WorkerId}: {workerError.HarnessError}"),
            StuckClients = [.. results.SelectMany(r => r.StuckClients.Select(s => $"worker {r.WorkerId}: {s}"))],
            Interrupted = interrupted,
            Quiesced = results.Count == _options.Workers && results.All(r => r.Quiesced),
            WorkloadStartMs = Math.Max(0, Volatile.Read(ref _workloadStartMs)),
            HealedAtMs = healedAt,
            EndMs = NowMs,
            Sent = results.Sum(r => r.Sent),
            Acked = results.Sum(r => r.Acked),
            Delivered = results.Sum(r => r.Delivered),
            Failed = results.Sum(r => r.Failed),
            Refused = results.Sum(r => r.Refused),
            ConnectAttempts = results.Sum(r => r.ConnectAttempts),
        };
    }

    /// <summary>
    /// Workers record the server-side faults their runner mirrored (no-ops on their target) and their own heal:
    /// the coordinator's records of those replace them, so each happens once in the merged history. Applied as a
    /// worker's history is uploaded.
    /// </summary>
    internal static bool KeepFromWorker(HistoryEvent e) =>
        e is not HarnessEvent { Kind: HarnessEventKinds.RoomDeleted or HarnessEventKinds.MemberRemoved or HarnessEventKinds.FaultsHealed or HarnessEventKinds.ServerRestart or HarnessEventKinds.ServerKill };

    // Same shape as a one-process run's list: network actions in schedule order (every worker applied the same
    // ones to its own proxies, so one worker's list stands for all), then the harness faults' outcomes.
    private List<string> FaultActions(WorkloadPlan plan, List<WorkerResult> results)
    {
        var actions = results.Count > 0 ? [.. results[0].NetworkFaultActions] : new List<string>();
        var harness = new List<string>();
        lock (_harnessFaultLog)
        {
            harness.AddRange(_harnessFaultLog);
        }

        var crashOutcome = results.Any(r => r.HarnessError is not null) ? "failed" : "ok";
        harness.AddRange(plan.Faults.Where(f => f.Type == FaultTypes.ClientCrash).Select(f => $"{f.Describe()} {crashOutcome}"));
        actions.AddRange(harness.Order(StringComparer.Ordinal));
        return actions;
    }

    private ShardRunInfo Info(IReadOnlyList<(WorkerResult Result, RecordedHistoryBuilder History)> uploads, ServerProcessTarget? server) => new()
    {
        Workers = [.. uploads.Select(u => new WorkerInfo(u.Result.WorkerId, u.Result.Clients, u.Result.ClockOffsetMs, u.Result.ClockUncertaintyMs, u.Result.PeakRssBytes, u.Result.CpuSeconds, u.Result.PeakOpenFiles, u.Result.BaselineRssBytes, u.Result.ReadyRssBytes, u.Result.ClockEndOffsetMs, u.Result.ClockEndUncertaintyMs))],
        ServerPeakRssBytes = server?.PeakRssBytes ?? 0,
        ServerCpuSeconds = server?.CpuSeconds ?? 0,
        ServerPeakOpenFiles = server?.PeakOpenFiles ?? 0,
        CoordinatorPeakRssBytes = _ownUsage.PeakRssBytes,
        CoordinatorCpuSeconds = _ownUsage.CpuSeconds,
    };

    private static string Hash(IEnumerable<string> lines) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))))[..16];
}
