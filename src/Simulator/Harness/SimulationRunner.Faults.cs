using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Harness;

/// <summary>Harness faults: server restarts, client crashes, admin room deletes and member removals.</summary>
public sealed partial class SimulationRunner
{
    private Task RunHarnessFaultsAsync(WorkloadPlan plan, IChatTarget target, CancellationToken ct) =>
        HarnessFaultSchedule.RunAsync(
            plan.Faults.Where(f => FaultTypes.Harness.Contains(f.Type)),
            DelayUntilAsync,
            (f, c) => ExecuteAsync(f, target, c),
            _harnessFaultLog,
            error => _harnessError ??= error,
            ct);

    private async Task ExecuteAsync(PlannedFault f, IChatTarget target, CancellationToken ct)
    {
        switch (f.Type)
        {
            case FaultTypes.ServerRestart:
                _recorder.Record(new HarnessEvent
                {
                    AtMs = _recorder.NowMs,
                    Kind = f.Graceful ? HarnessEventKinds.ServerRestart : HarnessEventKinds.ServerKill,
                    Detail = f.Id,
                });
                _counters.AddActiveFaults(1);
                try
                {
                    await target.RestartAsync(f.Graceful, ct);
                }
                finally
                {
                    _counters.AddActiveFaults(-1);
                }

                break;
            case FaultTypes.ClientCrash:
                foreach (var i in f.TargetClients)
                {
                    Observe(_clients[i].CrashAndRestartAsync(TimeSpan.FromMilliseconds(f.RestartAfterMs), ct), $"{_clients[i].ClientId} crash/restart", awaitAtHeal: true);
                }

                break;
            case FaultTypes.RoomDelete:
                await target.DeleteRoomAsync(f.Room!, ct);
                _recorder.Record(new HarnessEvent { AtMs = _recorder.NowMs, Kind = HarnessEventKinds.RoomDeleted, Room = f.Room, Detail = f.Id });
                break;
            case FaultTypes.MemberRemove:
                foreach (var user in f.TargetUsers)
                {
                    await target.RemoveMemberAsync(f.Room!, user, ct);
                    _recorder.Record(new HarnessEvent { AtMs = _recorder.NowMs, Kind = HarnessEventKinds.MemberRemoved, Room = f.Room, UserId = user, Detail = f.Id });
                    foreach (var c in _clients.Where(c => c.Plan.UserId == user))
                    {
                        c.Rooms.TryRemove(f.Room!, out _);
                    }
                }

                break;
            default:
                throw new HarnessException($"unknown harness fault {f.Type}");
        }
    }
}
