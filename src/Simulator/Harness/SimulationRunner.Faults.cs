using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Harness;

/// <summary>Harness faults: server restarts, client crashes, admin room deletes and member removals.</summary>
public sealed partial class SimulationRunner
{
    private async Task RunHarnessFaultsAsync(WorkloadPlan plan, IChatTarget target, CancellationToken ct)
    {
        foreach (var f in plan.Faults.Where(f => FaultTypes.Harness.Contains(f.Type)))
        {
            await DelayUntilAsync(f.StartMs, ct);
            string outcome;
            try
            {
                await ExecuteAsync(f, target, ct);
                outcome = "ok";
            }
            catch (Exception e) when (e is HarnessException or HttpRequestException or IOException or InvalidOperationException)
            {
                // Recorded, and the run fails as a harness failure: a fault that did not happen proves nothing.
                outcome = "failed";
                _harnessError ??= $"fault {f.Id} ({f.Type}) failed: {e.Message}";
            }

            lock (_harnessFaultLog)
            {
                _harnessFaultLog.Add($"{f.Describe()} {outcome}");
            }
        }
    }

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
