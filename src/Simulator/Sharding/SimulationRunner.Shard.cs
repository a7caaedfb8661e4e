using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Harness;

/// <summary>The worker side of a sharded run: start together, quiesce across workers, progress for heartbeats.</summary>
public sealed partial class SimulationRunner
{
    /// <summary>The current progress (a worker's heartbeat sends it to the coordinator).</summary>
    public RunProgress CurrentProgress() => Snapshot(_workloadStartTimestamp == 0 ? _time.GetTimestamp() : _workloadStartTimestamp);

    /// <summary>Wall-clock time of this run's start, ms since the Unix epoch (server times are relative to it).</summary>
    internal long StartUnixMs => _recorder.StartUnixMs;

    private async Task WaitForShardStartAsync(CancellationToken ct)
    {
        if (_settings.Shard is { } shard)
        {
            _phase = "ready";
            await shard.Hooks.WaitForWorkloadStartAsync(ct);
        }
    }

    // Local quiesce only proves this worker's members agree among themselves; the coordinator's per-room target
    // (the highest seq any worker saw) makes them agree with every other worker's members too.
    private async Task<bool> QuiesceAcrossShardsAsync(bool quiescedLocally, CancellationToken ct)
    {
        if (_settings.Shard is not { } shard)
        {
            return quiescedLocally;
        }

        var perRoom = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in _clients)
        {
            foreach (var room in c.Rooms.Keys)
            {
                perRoom[room] = Math.Max(perRoom.GetValueOrDefault(room), c.MaxDelivered.GetValueOrDefault(room));
            }
        }

        _phase = "waiting";
        var targets = await shard.Hooks.QuiesceTargetsAsync(
            new QuiesceReport
            {
                QuiescedLocally = quiescedLocally,
                MaxDeliveredPerRoom = perRoom,
                OutboxDepth = _clients.Sum(c => (long)c.OutboxDepth),
                Connected = _counters.Connected,
            },
            ct);
        _phase = "quiescing";
        var start = _time.GetTimestamp();
        while (_time.GetElapsedTime(start) < Scenario.Bounds.Quiesce)
        {
            if (_clients.All(c => c.Rooms.Keys.All(r => c.MaxDelivered.GetValueOrDefault(r) >= targets.GetValueOrDefault(r))))
            {
                return quiescedLocally;
            }

            await Task.Delay(QuiescePoll, _time, ct);
        }

        return false;
    }
}
