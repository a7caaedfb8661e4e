using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// One worker's part of the plan. Every process builds the same plan from the same seed; a worker keeps its
/// clients, their sends, offline windows and crashes (re-indexed to its own client list, while each client keeps
/// its plan <see cref="PlannedClient.Index"/> so its random draws match a one-process run), and every network
/// fault (each worker applies them to its own proxies, so every client sees the same faults). Server restarts
/// belong to the coordinator; room deletes and member removals stay so the worker updates its clients' rooms,
/// while its target leaves the admin call to the coordinator.
/// </summary>
internal static class ShardPlan
{
    public static WorkloadPlan Of(WorkloadPlan plan, ShardAssignment? shard)
    {
        if (shard is null)
        {
            return plan;
        }

        var local = new Dictionary<int, int>();
        var own = new List<PlannedClient>();
        for (var i = 0; i < plan.Clients.Count; i++)
        {
            if (shard.Owns(i))
            {
                local[i] = own.Count;
                own.Add(plan.Clients[i]);
            }
        }

        return plan with
        {
            Clients = own,
            Sends = [.. plan.Sends.Where(s => local.ContainsKey(s.ClientIndex)).Select(s => s with { ClientIndex = local[s.ClientIndex] })],
            Offline = [.. plan.Offline.Where(o => local.ContainsKey(o.ClientIndex)).Select(o => o with { ClientIndex = local[o.ClientIndex] })],
            Faults = [.. plan.Faults.Where(f => f.Type != FaultTypes.ServerRestart).Select(f => f.Type == FaultTypes.ClientCrash
                    ? f with { TargetClients = [.. f.TargetClients.Where(local.ContainsKey).Select(i => local[i])] }
                    : f)
                .Where(f => f.Type != FaultTypes.ClientCrash || f.TargetClients.Count > 0)],
        };
    }

    /// <summary>True for the harness faults only the coordinator executes (they act on the server).</summary>
    public static bool IsCoordinatorFault(PlannedFault f) => f.Type is FaultTypes.ServerRestart or FaultTypes.RoomDelete or FaultTypes.MemberRemove;
}
