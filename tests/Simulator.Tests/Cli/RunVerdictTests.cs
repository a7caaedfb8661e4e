using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Tests.Invariants;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Tests.Cli;

public sealed class RunVerdictTests
{
    private static Scenario Gate => ScenarioLoader.Load(RepoPaths.Scenario("gate.json")).Scenario;

    [Theory]
    [InlineData("chatsim", true)]
    [InlineData("worker 2", true)]
    [InlineData(ProcessLagSamples.Coordinator, false)]
    public void Judge_AllowsALateReconnectTheClientsOwnProcessRanLateFor_NotOneOnlyTheCoordinatorDid(string process, bool passes)
    {
        // After a healthy connection the retry is immediate (± the gate's 500 ms tolerance); this one came 1.5 s late.
        var history = new HistoryBuilder().Attempt(0, "a").Closed(10_000, "a").Attempt(11_600, "a").Build();
        var result = new SimulationResult
        {
            History = history,
            Plan = WorkloadPlanner.Create(Gate, 1),
            FaultHash = "",
            FaultActions = [],
            Samples = [],
            SchedulingLag = [new ProcessLagSamples(process, [new(11_500, 1_400)])],
        };

        var verdict = RunVerdict.Judge(Gate, result);

        var backoff = verdict.Invariants.Single(i => i.Name == nameof(BackoffWithinPolicy));
        Assert.Equal(passes, backoff.Violations.Count == 0);

        // The context judged with is the one the report plots the delays with.
        Assert.Equal(passes ? 1_400 : 0, verdict.Context.HarnessLag.WorstDuring(10_000, 11_600));
    }

    [Fact]
    public void Judge_LoadOnlySlos_AreLeftToLoadMode()
    {
        var scenario = Gate with { Slos = new Dictionary<string, double>(Gate.Slos) { [SloMetrics.ConnectErrorFractionMax] = 0.01, [SloMetrics.ConnectTimeP99Ms] = 500 } };
        var result = new SimulationResult { History = new HistoryBuilder().Build(), Plan = WorkloadPlanner.Create(scenario, 1), FaultHash = "", FaultActions = [], Samples = [] };

        var verdict = RunVerdict.Judge(scenario, result);

        Assert.Equal(Gate.Slos.Keys.Order(), verdict.Slos.Select(s => s.Name).Order());
    }
}
