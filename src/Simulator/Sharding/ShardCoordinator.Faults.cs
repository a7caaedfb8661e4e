using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Sharding;

/// <summary>The harness faults that act on the server (restart, room delete, member removal): executed once, here.</summary>
internal sealed partial class ShardCoordinator
{
    private Task RunCoordinatorFaultsAsync(WorkloadPlan plan, IChatTarget server, CancellationToken ct)
    {
        var start = Volatile.Read(ref _workloadStartMs);
        return HarnessFaultSchedule.RunAsync(
            plan.Faults.Where(ShardPlan.IsCoordinatorFault),
            (atMs, c) => DelayUntilAsync(start + atMs, c),
            (f, c) => ExecuteAsync(f, server, c),
            _harnessFaultLog,
            error => _harnessError ??= error,
            ct);
    }

    private async Task ExecuteAsync(PlannedFault f, IChatTarget server, CancellationToken ct)
    {
        switch (f.Type)
        {
            case FaultTypes.ServerRestart:
                Record(new HarnessEvent { AtMs = NowMs, Kind = f.Graceful ? HarnessEventKinds.ServerRestart : HarnessEventKinds.ServerKill, Detail = f.Id });
                await server.RestartAsync(f.Graceful, ct);
                break;
            case FaultTypes.RoomDelete:
                await server.DeleteRoomAsync(f.Room!, ct);
                Record(new HarnessEvent { AtMs = NowMs, Kind = HarnessEventKinds.RoomDeleted, Room = f.Room, Detail = f.Id });
                break;
            case FaultTypes.MemberRemove:
                foreach (var user in f.TargetUsers)
                {
                    await server.RemoveMemberAsync(f.Room!, user, ct);
                    Record(new HarnessEvent { AtMs = NowMs, Kind = HarnessEventKinds.MemberRemoved, Room = f.Room, UserId = user, Detail = f.Id });
                }

                break;
            default:
                throw new HarnessException($"fault {f.Type} is not the coordinator's");
        }
    }
}
