using System.Security.Cryptography;
using System.Text;
using ChatResilience.Chaos.Faults;
using ChatResilience.Chaos.Toxiproxy;
using ChatResilience.Client.Reconnect;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Runs one scenario with one seed, in one process: server, fault proxies and virtual clients on loopback.
/// Phases: start (server, one proxy per group, clients connect and join) → workload (sends, offline windows,
/// network and harness faults, all on the plan's timeline) → heal (faults removed, devices back) → quiesce
/// (outboxes drain, readers converge, bounded) → history snapshot. A watchdog ends a stuck run.
/// </summary>
public sealed partial class SimulationRunner
{
    private readonly SimulationSettings _settings;
    private readonly IRunProgressSink _progress;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly RunHistoryRecorder _recorder;
    private readonly SchedulingLagProbe _lag;
    private readonly Func<CancellationToken, Task<IChatTarget>>? _targetFactory;
    private readonly RunCounters _counters = new();
    private readonly List<Task> _background = [];
    private readonly Lock _backgroundGate = new();
    private readonly List<string> _harnessFaultLog = [];
    private readonly List<ConnectedSample> _samples = [];
    private List<VirtualClient> _clients = [];
    private List<(long Start, long End)> _plannedNetworkWindows = [];
    private volatile string _phase = "starting";
    private string? _harnessError;
    private long _workloadStartTimestamp;
    private long _workloadStartMs;

    public SimulationRunner(SimulationSettings settings, IRunProgressSink progress, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
        : this(settings, progress, time, loggerFactory, targetFactory: null)
    {
    }

    /// <summary>With a stand-in for the server under test (tests: a target that hangs, to prove the watchdog).</summary>
    internal SimulationRunner(
        SimulationSettings settings, IRunProgressSink progress, TimeProvider? time, ILoggerFactory? loggerFactory, Func<CancellationToken, Task<IChatTarget>>? targetFactory)
    {
        _targetFactory = targetFactory;
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        _settings = settings;
        _progress = progress;
        _time = time ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _recorder = new RunHistoryRecorder(_time, settings.HistorySpillDirectory);
        _lag = new SchedulingLagProbe(_time, () => _recorder.NowMs);
    }

    private Scenario Scenario => _settings.Scenario;

    /// <summary>Runs the scenario. Cancelling <paramref name="cancellationToken"/> (Ctrl-C) stops it early with a partial result.</summary>
    public async Task<SimulationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var plan = Sharding.ShardPlan.Of(WorkloadPlanner.Create(Scenario, _settings.Seed, _settings.Shard is { } own ? own.Assignment.Owns : null), _settings.Shard?.Assignment);
        _plannedNetworkWindows = [.. plan.Faults.Where(f => FaultTypes.Network.Contains(f.Type)).Select(f => (f.StartMs, f.EndMs ?? long.MaxValue))];
        using var watchdog = new CancellationTokenSource();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        var ct = run.Token;
        var stuck = new List<string>();
        FaultSchedule? schedule = null;
        var quiesced = false;
        long healedAt = 0;
        using var monitorStop = new CancellationTokenSource();
        var monitor = MonitorAsync(plan, watchdog, stuck, monitorStop.Token);
        var lagProbe = _lag.RunAsync(SchedulingLagProbe.ClientHostInterval, monitorStop.Token);

        IChatTarget? target = null;
        ProxyFleet? proxies = null;
        var serverLog = new ServerLogCapture(() => _recorder.NowMs, _settings.ServerLog);
        try
        {
            target = _targetFactory is not null ? await _targetFactory(ct)
                : _settings.Shard is { } shard ? shard.Target
                : _settings.ServerUrl is { } url
                ? new ExternalChatTarget(url, _settings.DevTokens ? null : _settings.TokenCommand, _settings.AdminToken, _settings.Tokens)
                : await EmbeddedChatTarget.StartAsync(_settings.ServerBugs, Scenario.Clients.Count, _time, serverLog, ct);
            proxies = await ProxyFleet.StartAsync(ClientGroups.Names(Scenario.Clients), target.Upstream, _settings.Seed, _settings.ToxiproxyUrl, _time, _loggerFactory, ct);
            var fleet = proxies;
            var ctx = new VirtualClientContext
            {
                Recorder = _recorder,
                Counters = _counters,
                Time = _time,
                Target = target,
                ServerUriForGroup = g => new Uri($"ws://{fleet.ListenOf(g)}/ws"),
                Reconnect = ReconnectOptionsFor(Scenario.Client.Reconnect),
                OutboxCapacity = Scenario.Client.OutboxCapacity,
                Bugs = _settings.ClientBugs,
                Seed = _settings.Seed,
                RunStopping = ct,
                Observe = (task, what) => Observe(task, what, awaitAtHeal: false),
            };
            _clients = [.. plan.Clients.Select(c => new VirtualClient(c, ctx))];

            _phase = "connecting";
            await Parallel.ForEachAsync(_clients, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (c, t) =>
            {
                try
                {
                    await c.StartAsync(_settings.StartupTimeout, t);
                }
                catch (OperationCanceledException) when (!t.IsCancellationRequested)
                {
                    throw new HarnessException($"{c.ClientId} did not connect and join within {_settings.StartupTimeout.TotalSeconds:0} s at start");
                }
            });

            await WaitForShardStartAsync(ct);
            _phase = "workload";
            _workloadStartTimestamp = _time.GetTimestamp();
            _workloadStartMs = _recorder.NowMs;
            schedule = new FaultSchedule([.. plan.Faults.Where(f => FaultTypes.Network.Contains(f.Type)).Select(f => FaultMapping.ToChaosFault(f, ProxyFleet.ProxyName(f.Group!)))], proxies.Injector, _time);
            var networkFaults = schedule.RunAsync(ct);
            var harnessFaults = RunHarnessFaultsAsync(plan, target, ct);
            var offline = RunOfflineAsync(plan, ct);
            await RunSendsAsync(plan, ct);
            await DelayUntilAsync((long)Scenario.Duration.TotalMilliseconds, ct);
            await Task.WhenAll(networkFaults, harnessFaults, offline);

            _phase = "healing";
            await schedule.RemoveActiveAsync(ct);
            await Task.WhenAll(_clients.Select(c => c.IsDown ? Task.CompletedTask : EnsureOnlineAsync(c)));
            await WaitBackgroundAsync();
            healedAt = _recorder.NowMs;
            _recorder.Record(new HarnessEvent { AtMs = healedAt, Kind = HarnessEventKinds.FaultsHealed });

            _phase = "quiescing";
            quiesced = await QuiesceAsync(ct);
            quiesced = await QuiesceAcrossShardsAsync(quiesced, ct);
        }
        catch (OperationCanceledException) when (watchdog.IsCancellationRequested)
        {
            _harnessError ??= "watchdog: the run stopped making progress or ran overdue";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: fall through to a partial result.
        }
        catch (Exception e) when (e is HarnessException or ToxiproxyException or FaultValidationException or IOException or HttpRequestException or InvalidOperationException)
        {
            _harnessError ??= e.Message;
        }
        finally
        {
            _phase = "stopping";
            await monitorStop.CancelAsync();
            await monitor;
            await lagProbe;
            await ShutdownAsync(proxies, target);
        }

        RecordExecutedFaults(schedule);
        var actions = FaultActions(schedule);
        return new SimulationResult
        {
            History = _recorder.Snapshot(),
            HistorySpillError = _recorder.SpillError, // after the snapshot, which is when the recorder learns it
            Plan = plan,
            FaultHash = Hash(actions),
            FaultActions = actions,
            Samples = [.. _samples],
            SchedulingLag = [new ProcessLagSamples(_settings.Shard is { } s ? $"worker {s.Assignment.WorkerId}" : "chatsim", _lag.Snapshot())],
            ServerLog = serverLog.Snapshot(),
            ServerLogDropped = serverLog.Dropped,
            HarnessError = _harnessError,
            StuckClients = stuck,
            Interrupted = cancellationToken.IsCancellationRequested,
            Quiesced = quiesced,
            WorkloadStartMs = _workloadStartMs,
            HealedAtMs = healedAt,
            EndMs = _recorder.NowMs,
            Sent = _counters.Sent,
            Acked = _counters.Acked,
            Delivered = _counters.Delivered,
            Failed = _counters.Failed,
            Refused = _counters.Refused,
            ConnectAttempts = _counters.ConnectAttempts,
        };
    }

    /// <summary>The client reconnect policy of a scenario: the library's defaults with the scenario's overrides.</summary>
    public static ReconnectOptions ReconnectOptionsFor(ReconnectSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var d = ReconnectOptions.Default;
        return d with
        {
            DelayBase = spec.DelayBase ?? d.DelayBase,
            Multiplier = spec.Multiplier ?? d.Multiplier,
            DelayMax = spec.DelayMax ?? d.DelayMax,
            Jitter = spec.Jitter ?? d.Jitter,
        };
    }

    private async Task RunSendsAsync(WorkloadPlan plan, CancellationToken ct)
    {
        foreach (var send in plan.Sends)
        {
            await DelayUntilAsync(send.AtMs, ct);
            await _clients[send.ClientIndex].ComposeAsync(send, _workloadStartMs + send.AtMs, ct);
        }
    }

    private async Task RunOfflineAsync(WorkloadPlan plan, CancellationToken ct)
    {
        var steps = plan.Offline.SelectMany(o => new[] { (At: o.StartMs, o.ClientIndex, Offline: true), (At: o.EndMs, o.ClientIndex, Offline: false) })
            .OrderBy(s => s.At).ThenBy(s => s.ClientIndex).ToList();
        foreach (var step in steps.Where(s => s.At <= (long)Scenario.Duration.TotalMilliseconds))
        {
            await DelayUntilAsync(step.At, ct);
            await _clients[step.ClientIndex].SetOfflineAsync(step.Offline);
        }
    }

    private async Task EnsureOnlineAsync(VirtualClient c)
    {
        if (c.IsOffline)
        {
            await c.SetOfflineAsync(false);
        }
    }

    private async Task DelayUntilAsync(long workloadMs, CancellationToken ct)
    {
        var wait = TimeSpan.FromMilliseconds(workloadMs) - _time.GetElapsedTime(_workloadStartTimestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, ct);
        }
    }

    // Crash/restart cycles are awaited at the heal; slow readers run until the run stops and are only observed.
    private void Observe(Task task, string what, bool awaitAtHeal)
    {
        var observed = task.ContinueWith(
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
        if (awaitAtHeal)
        {
            lock (_backgroundGate)
            {
                _background.Add(observed);
            }
        }
    }

    private async Task WaitBackgroundAsync()
    {
        Task[] tasks;
        lock (_backgroundGate)
        {
            tasks = [.. _background];
        }

        await Task.WhenAll(tasks);
    }

    private async Task ShutdownAsync(ProxyFleet? proxies, IChatTarget? target)
    {
        await Task.WhenAll(_clients.Select(async c =>
        {
            try
            {
                await c.DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Teardown of one device must not hide the run's result.
            }
        }));

        if (proxies is not null)
        {
            await proxies.DisposeAsync();
        }

        if (target is not null)
        {
            await target.DisposeAsync();
        }
    }

    private void RecordExecutedFaults(FaultSchedule? schedule)
    {
        if (schedule is null)
        {
            return;
        }

        foreach (var a in schedule.Executed)
        {
            _recorder.Record(new FaultEvent
            {
                AtMs = _workloadStartMs + (long)a.ExecutedAt.TotalMilliseconds,
                Action = a.Kind == FaultActionKind.Apply ? "applied" : "removed",
                FaultId = $"{a.FaultIndex}-{a.Fault.Type}-{a.Fault.Proxy}",
                Description = a.ToCanonicalString() + (a.Error is null ? "" : " error: " + a.Error),
            });
        }
    }

    private List<string> FaultActions(FaultSchedule? schedule)
    {
        var actions = schedule?.Executed.OrderBy(a => a.ScheduledAt).ThenBy(a => a.FaultIndex).ThenBy(a => a.Kind).Select(a => a.ToCanonicalString()).ToList() ?? [];
        lock (_harnessFaultLog)
        {
            actions.AddRange(_harnessFaultLog.Order(StringComparer.Ordinal));
        }

        return actions;
    }

    private static string Hash(IEnumerable<string> lines) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))))[..16];
}
