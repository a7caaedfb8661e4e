using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Harness;

/// <summary>Once a second: progress to the sink, a connected-share sample and the watchdog's check.</summary>
public sealed partial class SimulationRunner
{
    private static readonly TimeSpan MonitorInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long past duration + quiesce a run may go before the watchdog calls it overdue.</summary>
    private static readonly TimeSpan OverdueSlack = TimeSpan.FromSeconds(60);

    private async Task MonitorAsync(WorkloadPlan plan, CancellationTokenSource watchdog, List<string> stuck, CancellationToken stop)
    {
        var start = _time.GetTimestamp();
        var lastPulse = -1L;
        string? lastPhase = null;
        var lastChange = start;
        var budget = Scenario.Duration + Scenario.Bounds.Quiesce + _settings.StartupTimeout + OverdueSlack;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(MonitorInterval, _time, stop);
                var progress = Snapshot(start);
                _progress.Report(progress);
                SampleConnected(plan, progress);

                // Entering a phase is progress too: a slow start-up must not count against the clients' connect.
                var pulse = _counters.Pulse + _recorder.Count;
                var phase = _phase;
                if (pulse != lastPulse || !string.Equals(phase, lastPhase, StringComparison.Ordinal))
                {
                    (lastPulse, lastPhase) = (pulse, phase);
                    lastChange = _time.GetTimestamp();
                }

                var silent = _time.GetElapsedTime(lastChange);
                var overdue = _time.GetElapsedTime(start) > budget;
                // "ready" and "waiting" wait on the coordinator of a sharded run, which watches the other workers itself.
                if ((silent > Scenario.Bounds.Watchdog && _phase is not ("workload" or "ready" or "waiting")) || overdue)
                {
                    _harnessError ??= overdue
                        ? $"watchdog: run overdue (> {budget.TotalSeconds:0} s) in phase {_phase}"
                        : $"watchdog: no progress for {silent.TotalSeconds:0} s in phase {_phase}";
                    stuck.AddRange(_clients.Where(c => !c.IsConnected || c.OutboxDepth > 0).Take(50).Select(c => c.Describe()));
                    await watchdog.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the runner.
        }
    }

    private RunProgress Snapshot(long start) => new()
    {
        Phase = _phase,
        Elapsed = _time.GetElapsedTime(start),
        Clients = _clients.Count,
        Connected = _counters.Connected,
        Sent = _counters.Sent,
        Acked = _counters.Acked,
        Delivered = _counters.Delivered,
        Failed = _counters.Failed,
        Reconnects = Math.Max(0, _counters.ConnectAttempts - _clients.Count),
        ActiveFaults = _counters.ActiveFaults + ActiveNetworkFaults(),
        OutboxDepth = _clients.Sum(c => (long)c.OutboxDepth),
    };

    private long ActiveNetworkFaults()
    {
        if (_phase != "workload")
        {
            return 0;
        }

        var now = (long)_time.GetElapsedTime(_workloadStartTimestamp).TotalMilliseconds;
        return _plannedNetworkWindows.Count(w => w.Start <= now && now < w.End);
    }

    private void SampleConnected(WorkloadPlan plan, RunProgress progress)
    {
        if (_phase != "workload" || _clients.Count == 0)
        {
            return;
        }

        var now = (long)_time.GetElapsedTime(_workloadStartTimestamp).TotalMilliseconds;

        // A sample is "quiet" only when no fault, offline window or crash touched the last few seconds.
        var grace = (long)Scenario.Bounds.Convergence.TotalMilliseconds / 4;
        var disturbed = plan.Faults.Any(f => f.StartMs <= now && now <= (f.EndMs ?? f.StartMs + f.RestartAfterMs) + grace)
            || plan.Offline.Any(o => o.StartMs <= now && now <= o.EndMs + grace);
        lock (_samples)
        {
            _samples.Add(new ConnectedSample(_recorder.NowMs, (double)progress.Connected / _clients.Count, disturbed));
        }
    }
}
