using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Cli;

/// <summary>report.html through the Reports writer (latency over time, connected clients with fault windows, reconnect delays against the policy).</summary>
internal static class HtmlReportFile
{
    public static async Task WriteAsync(string outDir, LoadedScenario scenario, int seed, SimulationResult result, RunVerdict verdict, string repeatCommand, CancellationToken cancellationToken)
    {
        var latency = LatencyRecorder.FromHistory(result.History);
        var summary = new RunSummary
        {
            ToolVersion = typeof(HtmlReportFile).Assembly.GetName().Version?.ToString() ?? "0",
            Seed = seed,
            ScenarioName = scenario.Scenario.Name,
            ScenarioSha256 = scenario.Hash,
            Machine = MachineInfo.Current(),
            Duration = TimeSpan.FromMilliseconds(result.EndMs),
            ClientCount = result.Plan.Clients.Count,
            Counts = RunCounts.From(result.History),
            FaultHash = result.FaultHash,
            Invariants = verdict.Invariants,
            Slos = [.. verdict.Slos.Select(s => new SloResult
            {
                Name = s.Metric,
                Unit = s.Metric.EndsWith("_ms", StringComparison.Ordinal) ? "ms" : "",
                Threshold = s.Threshold,
                Observed = double.IsFinite(s.Value) ? s.Value : 0,
                Passed = !s.Breached,
            })],
            OnlineLatency = latency.Online(),
            OfflineLatency = latency.Offline(),
            ExitCode = verdict.ExitCode,
            ReproCommand = repeatCommand,
        };
        var html = HtmlReport.Build(summary, result.History, RunVerdict.ContextFor(scenario.Scenario), latency);
        await HtmlReport.WriteAsync(Path.Combine(outDir, "report.html"), html, cancellationToken);
    }
}
