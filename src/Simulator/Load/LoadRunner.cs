using ChatResilience.Chaos.Faults;
using ChatResilience.Chaos.Toxiproxy;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// Runs one load test: ramp connections open-loop at the ramp rate to the target, every joined client sending on
/// its planned (Poisson) schedule, network faults on the scenario's timeline, hold, drain (bounded), then stop.
/// Once a second it samples connections, counters and the server's CPU and memory. Deciding (schedule, windows,
/// breaks) is pure code elsewhere; this class only moves clients through the <see cref="ILoadFleet"/> seam.
/// </summary>
public sealed class LoadRunner
{
    private readonly LoadSettings _settings;
    private readonly TimeProvider _time;
    private readonly TextWriter _progress;
    private readonly ShardStartHandshake? _handshake;
    private readonly RunHistoryRecorder _recorder;
    private readonly RunCounters _counters = new();
    private readonly List<LoadSample> _samples = [];
    private readonly Lock _connectsGate = new();
    private readonly List<ConnectRecord> _connects = [];
    private string? _harnessError;
    private int _started;
    private int _joined;
    private long _skipped;

    /// <param name="settings">The resolved run.</param>
    /// <param name="progress">Progress lines.</param>
    /// <param name="time">The clock (default: the system's).</param>
    /// <param name="handshake">For one process of a sharded run (<see cref="LoadSettings.Shard"/>): how it learns when to start.</param>
    public LoadRunner(LoadSettings settings, TextWriter progress, TimeProvider? time = null, ShardStartHandshake? handshake = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        if ((settings.Shard is null) != (handshake is null))
        {
            throw new ArgumentException("a shard of a load run needs a start handshake, and only a shard has one", nameof(handshake));
        }

        _settings = settings;
        _progress = progress;
        _handshake = handshake;
        _time = time ?? TimeProvider.System;
        _recorder = new RunHistoryRecorder(_time, Path.GetTempPath());
    }

    /// <summary>The plan a load run follows: the scenario at the target size over ramp + hold, at the load's message rate.</summary>
    public static WorkloadPlan PlanFor(LoadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var s = settings.Scenario;
        var planned = s with
        {
            Clients = s.Clients with { Count = settings.Target },
            Duration = settings.LoadDuration > TimeSpan.Zero ? settings.LoadDuration : TimeSpan.FromMilliseconds(1),
            Workload = s.Workload with { SendRatePerClient = settings.MessageRatePerClient, Offline = [] },
        };
        return WorkloadPlanner.Create(planned, settings.Seed);
    }

    // Fetching every user's token from a deployment's token command before the ramp (one process per user, a core's
    // worth at a time): ~50 ms of CPU each with sh and curl against the dev server, 1,001 users in 51 s on two cores.
    // Allowed a minute plus 100 ms per client, twice that pace.
    private TimeSpan TokenFetchBound => _settings.ServerUrl is null ? TimeSpan.Zero : TimeSpan.FromMinutes(1) + (TimeSpan.FromMilliseconds(100) * _settings.Target);

    // The whole run's bound: load, drain, connect timeout, a minute of slack for start and teardown, and the token fetch.
    private TimeSpan RunBound => _settings.LoadDuration + _settings.DrainBound + _settings.ConnectTimeout + TimeSpan.FromMinutes(1) + TokenFetchBound;

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var plan = PlanFor(_settings);
        var ramp = _settings.Ramp;
        var loadEndMs = (long)_settings.LoadDuration.TotalMilliseconds;

        using var deadline = new CancellationTokenSource(RunBound, _time);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var ct = run.Token;
        using var samplerStop = new CancellationTokenSource();
        ILoadFleet? fleet = null;
        FaultSchedule? schedule = null;
        var origin = 0L;
        var startedAt = _time.GetUtcNow();
        Task sampler = Task.CompletedTask;
        var resourceSource = "none";
        string? resourceError = null;
        ServerResourceProbe? probe = null;
        try
        {
            if (_settings.ServerUrl is not null)
            {
                await _progress.WriteLineAsync($"  fetching tokens for {LocalLoadFleet.Users(plan, _settings.Shard).Count} users ({(_settings.DevTokens ? "POST /dev/token" : _settings.Tokens is not null ? "--token-file" : "--token-command")}) before the ramp");
            }

            var starting = _time.GetTimestamp();
            fleet = await LocalLoadFleet.StartAsync(_settings, plan, _recorder, _counters, _time, Observe, ct);
            if (_settings.ServerUrl is not null)
            {
                await _progress.WriteLineAsync($"  tokens fetched in {_time.GetElapsedTime(starting).TotalSeconds:0.0} s");
            }

            probe = new ServerResourceProbe(fleet.MetricsUri, fleet.ServerInProcess, _time);
            if (await fleet.WarmUpAsync(_settings.ConnectTimeout, ct) is { } warmUpError)
            {
                await _progress.WriteLineAsync($"  warm-up client failed ({warmUpError}); the first connects include cold-start costs");
            }

            var startAt = _handshake is null ? (DateTimeOffset?)null : await WaitForStartAsync(_handshake, ct);
            origin = _recorder.NowMs;
            startedAt = _time.GetUtcNow();
            var originTimestamp = _time.GetTimestamp();
            if (startAt is { } agreed && startedAt > agreed)
            {
                // Woken late: the ramp starts at the agreed instant all the same, so every process's times mean the same.
                var late = startedAt - agreed;
                origin -= (long)late.TotalMilliseconds;
                originTimestamp -= (long)(late.TotalSeconds * _time.TimestampFrequency);
                startedAt = agreed;
            }

            sampler = SampleAsync(fleet, probe, originTimestamp, samplerStop.Token);
            var f = fleet;
            schedule = new FaultSchedule(
                [.. plan.Faults.Where(p => FaultTypes.Network.Contains(p.Type)).Select(p => FaultMapping.ToChaosFault(p, ProxyFleet.ProxyName(p.Group!)))], fleet.Injector, _time);
            // Faults follow the scenario's timeline but end with the load: a fault longer than ramp + hold is cut there.
            using var faultsStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var faults = RunFaultsAsync(schedule, faultsStop.Token);
            var sends = RunSendsAsync(f, plan, ramp, origin, originTimestamp, ct);
            var connects = await new RampDriver(ramp, _time).RunAsync(i => ConnectOneAsync(f, i, originTimestamp, ct), ct, originTimestamp, Owns);
            await sends;
            await DelayUntilAsync(originTimestamp, loadEndMs, ct);
            await faultsStop.CancelAsync();
            await faults;
            await Task.WhenAll(connects);
            await schedule.RemoveActiveAsync(ct);
            await DrainAsync(ct);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _harnessError ??= $"watchdog: the load run overran its deadline (load + drain + connect timeout + 1 min{(_settings.ServerUrl is null ? "" : $", + {TokenFetchBound.TotalSeconds:0} s for tokens")})";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: a partial result.
        }
        catch (Exception e) when (e is HarnessException or ToxiproxyException or FaultValidationException or IOException or HttpRequestException or InvalidOperationException)
        {
            _harnessError ??= e.Message;
        }
        finally
        {
            await samplerStop.CancelAsync();
            await sampler;
            resourceSource = probe?.Source ?? resourceSource;
            resourceError = probe?.LastError;
            probe?.Dispose();
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }
        }

        var actions = schedule?.Executed.OrderBy(a => a.ScheduledAt).ThenBy(a => a.FaultIndex).ThenBy(a => a.Kind).Select(a => a.ToCanonicalString()).ToList() ?? [];
        List<ConnectRecord> connectsDone;
        lock (_connectsGate)
        {
            connectsDone = [.. _connects.OrderBy(c => c.Index)];
        }

        return new LoadResult
        {
            History = _recorder.Snapshot(),
            Plan = plan,
            OriginMs = origin,
            LoadEndMs = loadEndMs,
            EndMs = _recorder.NowMs - origin,
            StartedAt = startedAt,
            Connects = connectsDone,
            Samples = [.. _samples],
            SendsSkippedNotJoined = Interlocked.Read(ref _skipped),
            ResourceSource = resourceSource,
            ResourceError = resourceError,
            FaultActions = actions,
            HarnessError = _harnessError,
            Interrupted = cancellationToken.IsCancellationRequested,
        };
    }

    private bool Owns(int clientIndex) => _settings.Shard?.Owns(clientIndex) ?? true;

    private async Task<DateTimeOffset> WaitForStartAsync(ShardStartHandshake handshake, CancellationToken ct)
    {
        var startAt = await handshake.ReadyAsync(ct);
        var wait = startAt - _time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, ct);
        }

        return startAt;
    }

    private async Task ConnectOneAsync(ILoadFleet fleet, int index, long originTimestamp, CancellationToken ct)
    {
        Interlocked.Increment(ref _started);
        var start = (long)_time.GetElapsedTime(originTimestamp).TotalMilliseconds;
        ConnectRecord record;
        try
        {
            await Task.Yield(); // the ramp goes on while this connects
            await fleet.ConnectAsync(index, _settings.ConnectTimeout, ct);
            Interlocked.Increment(ref _joined);
            record = new ConnectRecord(index, start, (long)_time.GetElapsedTime(originTimestamp).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            record = new ConnectRecord(index, start, null, ConnectRecord.RunStopped);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A refused or timed-out connect is a measurement under load, not a harness failure.
            record = new ConnectRecord(index, start, null, e is OperationCanceledException ? $"no join within {_settings.ConnectTimeout.TotalSeconds:0} s" : e.Message);
        }

        lock (_connectsGate)
        {
            _connects.Add(record);
        }
    }

    private async Task RunSendsAsync(ILoadFleet fleet, WorkloadPlan plan, RampSchedule ramp, long origin, long originTimestamp, CancellationToken ct)
    {
        foreach (var send in plan.Sends)
        {
            if (!Owns(send.ClientIndex))
            {
                continue;
            }

            // A client sends only from its ramp instant on; before it has joined, its sends are skipped and counted.
            if (send.AtMs < (long)ramp.StartOffset(send.ClientIndex).TotalMilliseconds)
            {
                continue;
            }

            await DelayUntilAsync(originTimestamp, send.AtMs, ct);
            if (!fleet.IsJoined(send.ClientIndex))
            {
                Interlocked.Increment(ref _skipped);
                continue;
            }

            // Intended time is the plan's, so a send the harness makes late still counts from when it was meant to go.
            await fleet.ComposeAsync(send, origin + send.AtMs, ct);
        }
    }

    private static async Task RunFaultsAsync(FaultSchedule schedule, CancellationToken stop)
    {
        try
        {
            await schedule.RunAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The load ended; active faults are removed next.
        }
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        var began = _time.GetTimestamp();
        while (_counters.Acked + _counters.Failed < _counters.Sent && _time.GetElapsedTime(began) < _settings.DrainBound)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct);
        }
    }

    private async Task SampleAsync(ILoadFleet fleet, ServerResourceProbe probe, long originTimestamp, CancellationToken stop)
    {
        var next = TimeSpan.Zero;
        var lastPrint = -1L;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var wait = next - _time.GetElapsedTime(originTimestamp);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stop);
                }

                // The ticks follow a fixed timeline, so how far past its due time this one ran is the process's lag.
                var lagMs = Math.Max(0, (long)(_time.GetElapsedTime(originTimestamp) - next).TotalMilliseconds);
                next += _settings.SampleInterval;
                var (cpu, memory) = await probe.SampleAsync(stop);
                var sample = new LoadSample
                {
                    AtMs = (long)_time.GetElapsedTime(originTimestamp).TotalMilliseconds,
                    Started = Volatile.Read(ref _started),
                    Joined = Volatile.Read(ref _joined),
                    Connected = fleet.Connected,
                    Sent = _counters.Sent,
                    Acked = _counters.Acked,
                    Delivered = _counters.Delivered,
                    ServerCpuPercent = cpu,
                    ServerMemoryBytes = memory,
                    ServerLagMs = probe.ServerLagMs,
                    HarnessLagMs = lagMs,
                };
                _samples.Add(sample);
                if (sample.AtMs / 5000 != lastPrint)
                {
                    lastPrint = sample.AtMs / 5000;
                    await _progress.WriteLineAsync(
                        $"  {sample.AtMs / 1000.0,6:0.0} s  started {sample.Started,6}  connected {sample.Connected,6}  sent {sample.Sent,8}  acked {sample.Acked,8}  delivered {sample.Delivered,9}  cpu {(cpu is { } c ? $"{c:0}%" : "?"),5}  mem {(memory is { } m ? $"{m / 1048576:0} MB" : "?")}");
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    private async Task DelayUntilAsync(long originTimestamp, long ms, CancellationToken ct)
    {
        var wait = TimeSpan.FromMilliseconds(ms) - _time.GetElapsedTime(originTimestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, ct);
        }
    }

    private void Observe(Task task, string what) =>
        task.ContinueWith(
            t =>
            {
                if (t.Exception is { } e && e.InnerException is not OperationCanceledException)
                {
                    _harnessError ??= $"{what}: {e.InnerException?.Message}";
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
