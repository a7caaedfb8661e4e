using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Sharding;

/// <summary>Once a second: summed progress, the connected-share sample, resource samples, the tick's own lateness, and the worker watchdog.</summary>
internal sealed partial class ShardCoordinator
{
    private async Task MonitorAsync(WorkloadPlan plan, CoordinatorState state, IChatTarget server, List<Task<int>> workers, CancellationTokenSource run, CancellationToken stop)
    {
        // Never stricter than the scenario's own watchdog: an overloaded machine delays heartbeats as much as progress.
        var silentLimit = (long)Math.Max(_options.HeartbeatInterval.TotalMilliseconds * _options.MissedHeartbeats, _options.IgnoreScenarioWatchdog ? 0 : Scenario.Bounds.Watchdog.TotalMilliseconds);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _lag.DelayAsync(TimeSpan.FromSeconds(1), stop);
                (server as ServerProcessTarget)?.Sample();
                _ownUsage.Sample();
                var beats = state.Heartbeats();
                var progress = new RunProgress
                {
                    Phase = _phase,
                    Elapsed = TimeSpan.FromMilliseconds(ClockMs),
                    Clients = Scenario.Clients.Count,
                    Connected = beats.Sum(b => b.Connected),
                    Sent = beats.Sum(b => b.Sent),
                    Acked = beats.Sum(b => b.Acked),
                    Delivered = beats.Sum(b => b.Delivered),
                    Failed = beats.Sum(b => b.Failed),
                    Reconnects = beats.Sum(b => b.Reconnects),
                    ActiveFaults = ActiveFaults(plan),
                    OutboxDepth = beats.Sum(b => b.OutboxDepth),
                };
                _progress.Report(progress);
                Sample(plan, progress);

                // A worker that stopped talking, or exited before handing in its results, fails the run by name.
                var silent = state.Silent(silentLimit);
                var exited = workers.Select((w, i) => (w, i)).Where(p => p.w.IsCompleted && (p.w.IsFaulted || p.w.IsCanceled || p.w.Result != 0)).ToList();
                if (silent.Count > 0 || (exited.Count > 0 && _phase != "stopping"))
                {
                    _harnessError ??= silent.Count > 0
                        ? $"watchdog: {string.Join("; ", silent)} (limit {silentLimit / 1000.0:0.#} s)"
                        : $"worker process {exited[0].i + 1} exited early ({(exited[0].w.IsCompletedSuccessfully ? $"exit {exited[0].w.Result}" : exited[0].w.Exception?.InnerException?.Message ?? "cancelled")})";
                    await run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the coordinator.
        }
    }

    private long ActiveFaults(WorkloadPlan plan)
    {
        var start = Volatile.Read(ref _workloadStartMs);
        if (_phase != "workload" || start < 0)
        {
            return 0;
        }

        var now = NowMs - start;
        return plan.Faults.Count(f => f.StartMs <= now && now < (f.EndMs ?? f.StartMs + f.RestartAfterMs));
    }

    // The same rule as the one-process runner: a sample is "quiet" only when no fault, offline window or crash
    // touched the last few seconds.
    private void Sample(WorkloadPlan plan, RunProgress progress)
    {
        var start = Volatile.Read(ref _workloadStartMs);
        if (_phase != "workload" || start < 0 || progress.Clients == 0)
        {
            return;
        }

        var now = NowMs - start;
        var grace = (long)Scenario.Bounds.Convergence.TotalMilliseconds / 4;
        var disturbed = plan.Faults.Any(f => f.StartMs <= now && now <= (f.EndMs ?? f.StartMs + f.RestartAfterMs) + grace)
            || plan.Offline.Any(o => o.StartMs <= now && now <= o.EndMs + grace);
        lock (_samples)
        {
            _samples.Add(new ConnectedSample(NowMs, (double)progress.Connected / progress.Clients, disturbed));
        }
    }
}
