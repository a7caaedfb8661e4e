using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Sharding;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Tests.Sharding;

public sealed class ShardPlanTests
{
    [Fact]
    public void Shards_PartitionClientsSendsOfflineAndCrashesAndLeaveServerRestartsToTheCoordinator()
    {
        var scenario = ScenarioLoader.Load(RepoPaths.Scenario("gate.json")).Scenario;
        var plan = WorkloadPlanner.Create(scenario, 7);
        var shards = Enumerable.Range(0, 3).Select(i => ShardPlan.Of(plan, new ShardAssignment(i + 1, i, 3))).ToList();

        Assert.Equal(plan.Clients.Select(c => c.ClientId).Order(), shards.SelectMany(s => s.Clients).Select(c => c.ClientId).Order());
        Assert.Equal(plan.Sends.Count, shards.Sum(s => s.Sends.Count));
        Assert.Equal(plan.Offline.Count, shards.Sum(s => s.Offline.Count));
        foreach (var s in shards)
        {
            // Re-indexed sends still name the same client and room as in the full plan.
            Assert.All(s.Sends, send => Assert.Contains(send.Room, s.Clients[send.ClientIndex].Rooms));
            Assert.DoesNotContain(s.Faults, f => f.Type == FaultTypes.ServerRestart);
            Assert.Equal(plan.Faults.Count(f => FaultTypes.Network.Contains(f.Type)), s.Faults.Count(f => FaultTypes.Network.Contains(f.Type)));
        }

        var crashed = plan.Faults.Where(f => f.Type == FaultTypes.ClientCrash).SelectMany(f => f.TargetClients).Select(i => plan.Clients[i].ClientId).Order().ToList();
        var crashedInShards = shards.SelectMany(s => s.Faults.Where(f => f.Type == FaultTypes.ClientCrash).SelectMany(f => f.TargetClients).Select(i => s.Clients[i].ClientId)).Order().ToList();
        Assert.NotEmpty(crashed);
        Assert.Equal(crashed, crashedInShards);
    }

    [Fact]
    public void WorkerPlanningOnlyItsSends_GetsTheSameShardAsFromTheFullPlan()
    {
        var scenario = ScenarioLoader.Load(RepoPaths.Scenario("gate.json")).Scenario;
        var shard = new ShardAssignment(2, 1, 3);

        var fromFull = ShardPlan.Of(WorkloadPlanner.Create(scenario, 7), shard);
        var fromOwn = ShardPlan.Of(WorkloadPlanner.Create(scenario, 7, shard.Owns), shard);

        Assert.NotEmpty(fromOwn.Sends);
        Assert.Equal(fromFull.Sends, fromOwn.Sends);
        Assert.Equal(fromFull.Clients.Select(c => c.ClientId), fromOwn.Clients.Select(c => c.ClientId));
        Assert.Equal(fromFull.Faults.Select(f => f.Describe()), fromOwn.Faults.Select(f => f.Describe()));
    }

    [Fact]
    public void NoShard_IsTheWholePlan()
    {
        var plan = WorkloadPlanner.Create(ScenarioLoader.Load(RepoPaths.Scenario("flaky-mobile.json")).Scenario, 1);

        Assert.Same(plan, ShardPlan.Of(plan, null));
    }
}
