using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;
using HdrHistogram;

namespace ChatResilience.Simulator.Load;

/// <summary>Turns a load result into its windows, SLO breaks, summary and exit code (pure apart from the git lookup).</summary>
public static class LoadReport
{
    /// <summary>
    /// 0 when every SLO held and no safety checker failed, 1 when one failed (<see cref="LoadInvariants"/>: a broken
    /// guarantee matters more than a slow one), 2 when an SLO broke within the target, 3 when one could not be judged
    /// (no window had samples for it: the safety checkers prove nothing was delivered wrongly, not that anything was
    /// delivered, so that is never a pass), 4 on a harness failure or interruption.
    /// </summary>
    public static int ExitCode(IReadOnlyList<SloBreak> breaks, string? harnessError, bool interrupted, IReadOnlyList<InvariantResult>? invariants = null)
    {
        ArgumentNullException.ThrowIfNull(breaks);
        return harnessError is not null || interrupted ? ExitCodes.HarnessFailure
            : invariants?.Any(i => i.Status == InvariantStatus.Failed) == true ? ExitCodes.InvariantViolated
            : breaks.Any(b => b.Broke) ? ExitCodes.SloBreached
            : breaks.Any(b => b.WindowsJudged == 0) ? ExitCodes.Inconclusive
            : ExitCodes.Pass;
    }

    /// <summary>
    /// The run's evaluation windows: ramp start to the end of the load, or to where an interrupted run stopped (the
    /// planned windows after it would read as a load that fell to nothing and drag the hold's rates down).
    /// </summary>
    public static IReadOnlyList<LoadWindow> Windows(LoadSettings settings, LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        var endMs = result.Interrupted ? Math.Min(result.LoadEndMs, result.EndMs) : result.LoadEndMs;
        return LoadWindowBuilder.Build(result.History.Events, result.OriginMs, result.Connects, result.Samples, settings.Window, Math.Max(1, endMs), JoinedAt(result));
    }

    /// <summary>Client id → first join, ms since the ramp start, for the clients that joined.</summary>
    public static IReadOnlyDictionary<string, long> JoinedAt(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Connects.Where(c => c.JoinedMs is not null && c.Index < result.Plan.Clients.Count)
            .ToDictionary(c => result.Plan.Clients[c.Index].ClientId, c => c.JoinedMs!.Value, StringComparer.Ordinal);
    }

    public static LoadSummary Summarize(LoadSettings settings, LoadedScenario scenario, LoadResult result, IReadOnlyList<LoadWindow> windows, string reproCommand, string? gitCommit = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(windows);
        var breaks = SloBreakDetector.Detect(settings.Scenario.Slos, windows, settings.Scenario.Bounds.SchedulingTolerance);
        IReadOnlyList<InvariantResult> invariants = settings.SafetyChecks ? LoadInvariants.Check(settings.Scenario, result.History) : [];
        var counts = RunCounts.From(result.History);
        var connectFailures = result.Connects.LongCount(c => c.JoinedMs is null);
        var holdFromS = settings.Hold > TimeSpan.Zero ? settings.Ramp.Duration.TotalSeconds : 0;
        var hold = windows.Where(w => w.StartS >= holdFromS - 1e-9).ToList();
        if (hold.Count == 0)
        {
            hold = [.. windows];
        }

        var cpu = result.Samples.Where(s => s.ServerCpuPercent is not null).Select(s => s.ServerCpuPercent!.Value).ToList();
        var memory = result.Samples.Where(s => s.ServerMemoryBytes is not null).Select(s => s.ServerMemoryBytes!.Value).ToList();
        var serverLag = result.Samples.Where(s => s.ServerLagMs is not null).Select(s => s.ServerLagMs!.Value).ToList();
        return new LoadSummary
        {
            ToolVersion = typeof(LoadReport).Assembly.GetName().Version?.ToString() ?? "0",
            Seed = settings.Seed,
            GitCommit = gitCommit,
            ScenarioName = settings.Scenario.Name,
            ScenarioSha256 = scenario.Hash,
            Machine = MachineInfo.Current(),
            StartedAt = result.StartedAt,
            Duration = TimeSpan.FromMilliseconds(result.EndMs),
            Load = new LoadParameters
            {
                Target = settings.Target,
                RampRate = settings.RampRate,
                Hold = settings.Hold,
                MessageRatePerClient = settings.MessageRatePerClient,
                ClientsWithoutRoom = settings.ClientsWithoutRoom,
                Window = settings.Window,
            },
            ServerUnderTest = settings.ServerUnderTest,
            FaultProxies = settings.ToxiproxyUrl?.ToString() ?? LoadSummary.Embedded,
            PeakConnections = result.Samples.Count == 0 ? 0 : result.Samples.Max(s => s.Connected),
            ConnectTime = ConnectPercentiles(result.Connects),
            DeliveryLatency = LoadWindowBuilder.Latency(result.History.Events, result.OriginMs, JoinedAt(result)).Online(),
            HoldRates = new LoadRates
            {
                SentPerSecond = Math.Round(hold.Average(w => w.SentPerSecond), 2),
                AckedPerSecond = Math.Round(hold.Average(w => w.AckedPerSecond), 2),
                DeliveredPerSecond = Math.Round(hold.Average(w => w.DeliveredPerSecond), 2),
            },
            PeakRates = new LoadRates
            {
                SentPerSecond = windows.Max(w => w.SentPerSecond),
                AckedPerSecond = windows.Max(w => w.AckedPerSecond),
                DeliveredPerSecond = windows.Max(w => w.DeliveredPerSecond),
            },
            Counts = counts,
            ConnectFailures = connectFailures,
            SendsSkippedNotJoined = result.SendsSkippedNotJoined,
            Errors = connectFailures + counts.Failed + counts.Refused,
            Server = new ServerResources
            {
                Source = result.ResourceSource,
                CpuPercentMean = cpu.Count == 0 ? null : Math.Round(cpu.Average(), 1),
                CpuPercentMax = cpu.Count == 0 ? null : Math.Round(cpu.Max(), 1),
                MemoryBytesMax = memory.Count == 0 ? null : memory.Max(),
                MemoryBytesEnd = memory.Count == 0 ? null : memory[^1],
                SchedulingLagMsMean = serverLag.Count == 0 ? null : Math.Round(serverLag.Average(), 1),
                SchedulingLagMsMax = serverLag.Count == 0 ? null : serverLag.Max(),
                Error = result.ResourceError,
            },
            LoadProcesses = settings.Processes,
            ProcessClocks = result.ProcessClocks.Count == 0 ? null : result.ProcessClocks,
            HarnessLoad = HarnessLoad.From(
                result.HarnessLag ?? [new ProcessLagSamples("chatsim", [.. result.Samples.Select(s => new SchedulingLagSample(s.AtMs, s.HarnessLagMs))])], settings.Scenario.Bounds.SchedulingTolerance) with { ForLoadRun = true },
            SloBreaks = breaks,
            Invariants = invariants,
            HarnessError = result.HarnessError,
            Interrupted = result.Interrupted,
            ExitCode = ExitCode(breaks, result.HarnessError, result.Interrupted, invariants),
            ReproCommand = reproCommand,
        };
    }

    /// <summary>Connect-time percentiles of the connects that joined (HdrHistogram, 3 significant digits).</summary>
    public static LatencyPercentiles ConnectPercentiles(IReadOnlyList<ConnectRecord> connects)
    {
        ArgumentNullException.ThrowIfNull(connects);
        var h = new LongHistogram(LatencyRecorder.HighestTrackableMs, 3);
        foreach (var c in connects)
        {
            if (c.ConnectMs is { } ms)
            {
                h.RecordValue(Math.Clamp(ms, 0, LatencyRecorder.HighestTrackableMs));
            }
        }

        return h.TotalCount == 0 ? new LatencyPercentiles() : new LatencyPercentiles
        {
            Count = h.TotalCount,
            P50 = h.GetValueAtPercentile(50),
            P90 = h.GetValueAtPercentile(90),
            P99 = h.GetValueAtPercentile(99),
            P999 = h.GetValueAtPercentile(99.9),
            Max = h.GetMaxValue(),
        };
    }

    /// <summary>The SLOs as JUnit rows: observed is the breaking value, or the worst window value when held.</summary>
    public static IReadOnlyList<SloResult> SloResults(IReadOnlyList<SloBreak> breaks, IReadOnlyList<LoadWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(breaks);
        ArgumentNullException.ThrowIfNull(windows);
        return [.. breaks.Select(b =>
        {
            var values = windows.Select(w => w.Metric(b.Metric)).Where(m => m.Samples > 0 && !double.IsNaN(m.Value)).ToList();
            double? worst = values.Count == 0 ? null : b.LowerBound ? values.Min(m => m.Value) : values.Max(m => m.Value);
            return SloResult.Judge(b.Metric, b.Threshold, b.Value ?? worst, values.Sum(m => m.Samples)) with { Inconclusive = b.WindowsJudged == 0 };
        })];
    }

    /// <summary>
    /// The load summary in the shape of a run summary (its safety checkers and its SLOs), so junit.xml comes from the
    /// one <see cref="JUnitReport"/> writer.
    /// </summary>
    public static RunSummary AsRunSummary(LoadSummary summary, IReadOnlyList<LoadWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(windows);
        return new RunSummary
        {
            ToolVersion = summary.ToolVersion,
            Scenario = summary.ScenarioName,
            ScenarioHash = summary.ScenarioSha256,
            Seed = summary.Seed,
            ExitCode = summary.ExitCode,
            RepeatCommand = summary.ReproCommand,
            GitCommit = summary.GitCommit,
            Machine = summary.Machine,
            StartedAt = summary.StartedAt,
            DurationMs = (long)summary.Duration.TotalMilliseconds,
            ExecutedFaultHash = "",
            Clients = summary.Load.Target,
            HarnessError = summary.HarnessError,
            HarnessLoad = summary.HarnessLoad,
            Interrupted = summary.Interrupted,
            Counts = summary.Counts,
            Invariants = summary.Invariants,
            Slos = SloResults(summary.SloBreaks, windows),
            OnlineLatency = summary.DeliveryLatency,
        };
    }
}
