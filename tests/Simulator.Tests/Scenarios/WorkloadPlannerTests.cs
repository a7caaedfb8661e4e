using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Tests.Scenarios;

public sealed class WorkloadPlannerTests
{
    private static Scenario Gate => ScenarioLoader.Load(RepoPaths.Scenario("gate.json")).Scenario;

    [Fact]
    public void Create_SameSeed_SamePlan()
    {
        var a = WorkloadPlanner.Create(Gate, 42);
        var b = WorkloadPlanner.Create(Gate, 42);

        Assert.Equal(a.Hash(), b.Hash());
        Assert.Equal(a.Sends.Count, b.Sends.Count);
    }

    [Fact]
    public void Create_OtherSeed_OtherPlan()
    {
        Assert.NotEqual(WorkloadPlanner.Create(Gate, 42).Hash(), WorkloadPlanner.Create(Gate, 43).Hash());
    }

    [Fact]
    public void Create_Gate_RoomsHaveTheirSizeAndEveryClientARoom()
    {
        var plan = WorkloadPlanner.Create(Gate, 7);

        var members = plan.Clients.SelectMany(c => c.Rooms).GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(20, members["chat-0"]);
        Assert.Equal(4, members["assistant-help-4"]);
        Assert.All(plan.Clients, c => Assert.NotEmpty(c.Rooms));
    }

    [Fact]
    public void Create_Gate_SendsFitTheDurationRateAndSizes()
    {
        var s = Gate;
        var plan = WorkloadPlanner.Create(s, 7);

        var expected = s.Clients.Count * s.Workload.SendRatePerClient * s.Duration.TotalSeconds;
        Assert.InRange(plan.Sends.Count, expected * 0.85, expected * 1.15);
        Assert.All(plan.Sends, m => Assert.InRange(m.AtMs, 0, (long)s.Duration.TotalMilliseconds));
        Assert.All(plan.Sends, m => Assert.InRange(m.Body.Length, s.Workload.MessageSize.Min, s.Workload.MessageSize.Max));
        Assert.All(plan.Sends, m => Assert.Contains(m.Room, plan.Clients[m.ClientIndex].Rooms));
    }

    [Fact]
    public void Create_Gate_ExpandsFaultsPerGroupAndPicksTargets()
    {
        var plan = WorkloadPlanner.Create(Gate, 7);

        Assert.Single(plan.Faults, f => f.Type == FaultTypes.Latency && f.Group == "cell");
        var crash = Assert.Single(plan.Faults, f => f.Type == FaultTypes.ClientCrash);
        Assert.Equal(6, crash.TargetClients.Count);
        Assert.Equal(10, plan.Offline.Count(o => o.StartMs == 10_000));
        Assert.All(plan.Offline, o => Assert.Equal("cell", plan.Clients[o.ClientIndex].Group));
    }

    [Fact]
    public void ClientGroups_AssignsContiguousBlocksByWeight()
    {
        var groups = ClientGroups.Assign(Gate.Clients);

        Assert.Equal(150, groups.Count(g => g == "wifi"));
        Assert.Equal(100, groups.Count(g => g == "cell"));
        Assert.Equal(50, groups.Count(g => g == "flaky"));
    }
}
