using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Cli;

/// <summary>Turns a finished run and its verdict into the <see cref="RunSummary"/> and writes the <c>--out</c> folder through <see cref="ReportWriter"/>.</summary>
public static class RunReport
{
    /// <summary>The summary of one run.</summary>
    /// <param name="loaded">The scenario as run (CLI overrides applied).</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="result">What the run produced.</param>
    /// <param name="verdict">The checkers' and SLOs' judgement of it.</param>
    /// <param name="repeatCommand">The command that repeats the run.</param>
    /// <param name="endedAt">When the run ended (wall clock); the start is derived from the run's length.</param>
    public static RunSummary Summarize(LoadedScenario loaded, long seed, SimulationResult result, RunVerdict verdict, string repeatCommand, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdict);
        return new RunSummary
        {
            ToolVersion = typeof(RunReport).Assembly.GetName().Version?.ToString() ?? "0",
            Scenario = loaded.Scenario.Name,
            ScenarioSource = loaded.Source,
            ScenarioHash = loaded.Hash,
            Seed = seed,
            ExitCode = verdict.ExitCode,
            RepeatCommand = repeatCommand,
            GitCommit = GitRevision.Current(),
            Machine = MachineInfo.Current(),
            StartedAt = endedAt - TimeSpan.FromMilliseconds(result.EndMs),
            EndedAt = endedAt,
            DurationMs = result.EndMs,
            PlanHash = result.Plan.Hash(),
            ExecutedFaultHash = result.FaultHash,
            ExecutedFaults = result.FaultActions,
            Clients = result.Plan.Clients.Count,
            WorkloadStartMs = result.WorkloadStartMs,
            HealedAtMs = result.HealedAtMs,
            Quiesced = result.Quiesced,
            Interrupted = result.Interrupted,
            HarnessError = result.HarnessError,
            HarnessLoad = verdict.HarnessLoad,
            HistorySpillError = result.HistorySpillError,
            StuckClients = result.StuckClients,
            Counts = RunCounts.From(result.History),
            ServerLogLines = result.ServerLog.Count,
            ServerLogDropped = result.ServerLogDropped,
            Metrics = verdict.Metrics,
            Invariants = verdict.Invariants,
            Slos = verdict.Slos,
            OnlineLatency = verdict.Latency.Online(),
            OfflineLatency = verdict.Latency.Offline(),
        };
    }

    /// <summary>Writes summary.json, junit.xml, report.html and violations/ of one run into <paramref name="outDir"/>.</summary>
    public static Task WriteAsync(
        string outDir, LoadedScenario loaded, long seed, SimulationResult result, RunVerdict verdict, string repeatCommand, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdict);
        var summary = Summarize(loaded, seed, result, verdict, repeatCommand, TimeProvider.System.GetUtcNow());
        return ReportWriter.WriteAllAsync(
            outDir, summary, result.History, verdict.Context, verdict.Latency, result.ServerLog, cancellationToken);
    }
}
