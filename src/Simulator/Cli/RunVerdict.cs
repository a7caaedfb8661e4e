using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Cli;

/// <summary>The judgement of one run: every checker's result, every SLO, and the exit code they give.</summary>
public sealed record RunVerdict
{
    public required IReadOnlyList<InvariantResult> Invariants { get; init; }

    /// <summary>What the checkers judged with (the report plots the same observations).</summary>
    public required CheckContext Context { get; init; }
    public required IReadOnlyList<SloResult> Slos { get; init; }

    /// <summary>Every SLO metric measured, bounded by the scenario or not.</summary>
    public required IReadOnlyDictionary<string, MetricValue> Metrics { get; init; }

    /// <summary>Delivery latency of the run (online and offline apart), measured once for the SLOs and the report.</summary>
    public required LatencyRecorder Latency { get; init; }
    public required string? HarnessError { get; init; }

    /// <summary>How far behind schedule the harness's processes ran; a saturated harness is warned about, the exit code is the checkers'.</summary>
    public HarnessLoad HarnessLoad { get; init; } = new();
    public required bool Interrupted { get; init; }

    /// <summary>0 pass, 1 invariant violated, 2 SLO breached, 3 inconclusive, 4 harness failure or interrupted.</summary>
    public int ExitCode => ExitCodes.From(Invariants, Slos.Any(s => !s.Passed), harnessFailed: HarnessError is not null || Interrupted);

    /// <summary>A checker's result as the console shows it: PASS, FAIL or INCONCLUSIVE (run and load alike).</summary>
    public static string Mark(InvariantStatus status) => status switch { InvariantStatus.Passed => "PASS", InvariantStatus.Failed => "FAIL", _ => "INCONCLUSIVE" };

    /// <summary>The names of the checkers that found violations.</summary>
    public IEnumerable<string> FailedCheckers => Invariants.Where(i => i.Status == InvariantStatus.Failed).Select(i => i.Name);

    /// <summary>Checks the run's history with every checker and evaluates the SLOs.</summary>
    public static RunVerdict Judge(Scenario scenario, SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(result);
        var context = ContextFor(scenario) with
        {
            HarnessLag = new HarnessLagTimeline(result.SchedulingLag, SchedulingLagProbe.ClientHostInterval),
        };
        var invariants = InvariantSuite.All.Run(result.History, context);
        var latency = LatencyRecorder.FromHistory(result.History);
        var metrics = SloEvaluator.Measure(result, latency);
        return new RunVerdict
        {
            Invariants = invariants,
            Context = context,
            Slos = SloEvaluator.Evaluate(scenario, metrics),
            Metrics = metrics,
            Latency = latency,
            HarnessError = result.HarnessError,
            HarnessLoad = HarnessLoad.From(result.SchedulingLag, scenario.Bounds.SchedulingTolerance),
            Interrupted = result.Interrupted,
        };
    }

    /// <summary>
    /// Minimum samples per checker: a checker whose guarantee the scenario exercises needs at least one sample,
    /// one it does not exercise (no offline period, no assistant room…) needs none; the scenario's own
    /// <c>minSamples</c> override both.
    /// </summary>
    public static IReadOnlyDictionary<string, long> DefaultMinSamples(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var faults = scenario.Faults.Select(f => f.Type).ToHashSet(StringComparer.Ordinal);
        string[] disconnecting = [FaultTypes.ResetPeer, FaultTypes.Down, FaultTypes.Timeout, FaultTypes.ServerRestart, FaultTypes.ClientCrash, FaultTypes.LimitData, FaultTypes.SlowClose];
        var result = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["OfflineQueueReplayed"] = scenario.Workload.Offline.Count > 0 && scenario.Workload.SendRatePerClient > 0 ? 1 : 0,
            ["FinalNacksSurfaced"] = faults.Contains(FaultTypes.RoomDelete) || faults.Contains(FaultTypes.MemberRemove) ? 1 : 0,
            ["AssistantAnsweredOnce"] = scenario.Workload.Rooms.Any(r => r.Assistant) && scenario.Workload.SendRatePerClient > 0 ? 1 : 0,
            ["BackoffWithinPolicy"] = faults.Overlaps(disconnecting) || scenario.Workload.Offline.Count > 0 ? 1 : 0,
            ["NoReconnectStorm"] = 0,
        };
        foreach (var (name, n) in scenario.MinSamples)
        {
            result[name] = n;
        }

        return result;
    }

    /// <summary>The checkers' context for a scenario: its minimums, bounds and the clients' reconnect policy (no harness lag: that is the run's).</summary>
    public static CheckContext ContextFor(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var r = SimulationRunner.ReconnectOptionsFor(scenario.Client.Reconnect);
        return new CheckContext
        {
            MinSamples = DefaultMinSamples(scenario),
            Reconnect = new ReconnectEnvelope
            {
                DelayBase = r.DelayBase,
                Multiplier = r.Multiplier,
                DelayMax = r.DelayMax,
                Jitter = r.Jitter,
                HealthyAfter = r.HealthyAfter,
            },
            SchedulingTolerance = scenario.Bounds.SchedulingTolerance,
            OfflineReplayBound = scenario.Bounds.OfflineReplay,
            ConvergenceBound = scenario.Bounds.Convergence,
            AssistantUserId = ReplyTo.AssistantUserId,
            AssistantRoomPrefix = RoomNames.AssistantPrefix,
        };
    }
}
