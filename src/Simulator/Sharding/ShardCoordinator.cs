using System.Collections.Concurrent;
using System.Diagnostics;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// The coordinator of a sharded run (inside <c>chatsim run</c>): starts the server process and the coordinator API,
/// launches (or waits for) the workers, gives them one workload start instant, runs the faults that act on the
/// server, sums heartbeats into the progress display, runs the two-phase quiesce, and merges every worker's
/// history with its own into one <see cref="SimulationResult"/> that the ordinary verdict judges.
/// </summary>
internal sealed partial class ShardCoordinator
{
    private static readonly TimeSpan StartLead = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan PhaseSlack = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan WorkerExitWait = TimeSpan.FromSeconds(30);

    private readonly SimulationSettings _settings;
    private readonly ShardRunOptions _options;
    private readonly string _scenarioJson;
    private readonly IReadOnlyDictionary<string, string> _bugs;
    private readonly IRunProgressSink _progress;
    private readonly Action<string> _log;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly long _startUnixMs;
    private readonly ConcurrentQueue<HistoryEvent> _events = new();
    private readonly List<string> _harnessFaultLog = [];
    private readonly List<ConnectedSample> _samples = [];
    private readonly ProcessUsage _ownUsage = new(Process.GetCurrentProcess());
    private readonly SchedulingLagProbe _lag;
    private volatile string _phase = "starting";
    private string? _harnessError;
    private long _workloadStartMs = -1;

    public ShardCoordinator(SimulationSettings settings, ShardRunOptions options, string scenarioJson, IReadOnlyDictionary<string, string> bugs, IRunProgressSink progress, Action<string> log, TimeProvider? time = null)
    {
        _settings = settings;
        _options = options;
        _scenarioJson = scenarioJson;
        _bugs = bugs;
        _progress = progress;
        _log = log;
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        _startUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _lag = new SchedulingLagProbe(_time, () => NowMs);
    }

    private Scenario Scenario => _settings.Scenario;

    private double ClockMs => _time.GetElapsedTime(_start).TotalMilliseconds;

    private long NowMs => (long)ClockMs;

    public async Task<(SimulationResult Result, ShardRunInfo Info)> RunAsync(CancellationToken cancellationToken = default)
    {
        var plan = WorkloadPlanner.Create(Scenario, _settings.Seed);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ct = run.Token;
        IChatTarget? server = null;
        CoordinatorApi? api = null;
        ServedCertificate? certificate = null; // the API's, for as long as it serves
        var workers = new List<Task<int>>();
        CoordinatorState? state = null;
        Task? monitor = null;
        using var monitorStop = new CancellationTokenSource();
        try
        {
            var cap = ShardBudget.ServerConnectionCap(Scenario.Clients.Count);
            server = _options.StartServer is { } start
                ? await start(cap, ct)
                : await ServerProcessTarget.StartAsync(cap, _bugs, _time, ct);
            var serverUrl = $"http://{server.Upstream}/";
            state = new CoordinatorState(_options.Workers, () => Template(serverUrl), () => NowMs) { HistorySpillDirectory = _settings.HistorySpillDirectory };
            certificate = CoordinatorTls.CertificateFor(_options.Listen, _options.Tls, _time.GetUtcNow(), _options.Certificate);
            api = await CoordinatorApi.StartAsync(state, () => ClockMs, _options.Listen, _options.Port, ct, _options.Secret, certificate);
            if (CoordinatorSecret.OpenWarning(_options.Listen, _options.Secret) is { } open)
            {
                _log(open);
            }

            _log($"coordinator {api.BaseUri} · server {serverUrl} · {_options.Workers} worker(s){(_options.ExternalWorkers ? $": start them with  chatsim worker {api.JoinArguments}" : "")}");
            if (!_options.ExternalWorkers)
            {
                for (var i = 1; i <= _options.Workers; i++)
                {
                    workers.Add((_options.LaunchWorker ?? WorkerProcess.RunAsync)(api.BaseUri, api.Fingerprint, i, ct));
                }
            }

            monitor = MonitorAsync(plan, state, server, workers, run, monitorStop.Token);
            _phase = "registering";
            await Await(state.AllRegistered, _options.RegistrationTimeout, $"not every one of {_options.Workers} worker(s) registered", state, ct);
            _phase = "connecting";
            var connectBound = _settings.StartupTimeout + TimeSpan.FromMilliseconds(Scenario.Clients.Count * 20.0 / _options.Workers) + PhaseSlack;
            await Await(state.AllReady, connectBound, "not every worker connected its clients", state, ct);

            var startAt = NowMs + (long)StartLead.TotalMilliseconds;
            state.Start(startAt);
            Volatile.Write(ref _workloadStartMs, startAt);
            await DelayUntilAsync(startAt, ct);
            _phase = "workload";
            var faults = RunCoordinatorFaultsAsync(plan, server, ct);
            await DelayUntilAsync(startAt + (long)Scenario.Duration.TotalMilliseconds, ct);
            await faults;

            _phase = "quiescing";
            await Await(state.AllQuiesceReports, Scenario.Bounds.Quiesce + PhaseSlack, "not every worker reported its quiesce state", state, ct);
            state.SetQuiesceTargets(state.ComputeQuiesceTargets());
            _phase = "collecting";
            await Await(state.AllResults, Scenario.Bounds.Quiesce + PhaseSlack, "not every worker uploaded its results", state, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The monitor cancelled the run; _harnessError says why.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: a partial result.
        }
        catch (Exception e) when (e is HarnessException or HttpRequestException or IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            _harnessError ??= e.Message;
        }
        finally
        {
            _phase = "stopping";
            state?.Stop(_harnessError);
            await WaitWorkersAsync(workers, run, cancellationToken.IsCancellationRequested);
            if (state is not null)
            {
                await WaitStopSeenAsync(state);
            }

            await monitorStop.CancelAsync();
            if (monitor is not null)
            {
                await monitor;
            }

            if (api is not null)
            {
                await api.DisposeAsync();
            }

            certificate?.Dispose();
        }

        var serverUsage = server as ServerProcessTarget;
        serverUsage?.Sample();
        _ownUsage.Sample();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        var uploads = state?.Uploads() ?? [];
        return (Merge(plan, uploads, cancellationToken.IsCancellationRequested), Info(uploads, serverUsage));
    }

    private WorkerAssignment Template(string serverUrl) => new()
    {
        WorkerId = 0,
        ShardIndex = 0,
        ShardCount = _options.Workers,
        ScenarioJson = _scenarioJson,
        Clients = Scenario.Clients.Count,
        DurationMs = (long)Scenario.Duration.TotalMilliseconds,
        Seed = _settings.Seed,
        ServerUrl = serverUrl,
        Bugs = new Dictionary<string, string>(_bugs, StringComparer.Ordinal),
        HeartbeatIntervalMs = (long)_options.HeartbeatInterval.TotalMilliseconds,
        StartupTimeoutMs = (long)_settings.StartupTimeout.TotalMilliseconds,
        CoordinatorStartUnixMs = _startUnixMs,
    };

    private async Task Await(Task gate, TimeSpan bound, string what, CoordinatorState state, CancellationToken ct)
    {
        try
        {
            var first = await Task.WhenAny(gate, state.WorkerFailed).WaitAsync(bound, _time, ct);
            if (first == state.WorkerFailed && !gate.IsCompleted)
            {
                throw new HarnessException(await state.WorkerFailed);
            }
        }
        catch (TimeoutException)
        {
            throw new HarnessException($"{what} within {bound.TotalSeconds:0} s");
        }
    }

    private async Task DelayUntilAsync(long atMs, CancellationToken ct)
    {
        var wait = TimeSpan.FromMilliseconds(atMs - ClockMs);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, ct);
        }
    }

    private async Task WaitWorkersAsync(List<Task<int>> workers, CancellationTokenSource run, bool interrupted)
    {
        try
        {
            await Task.WhenAll(workers).WaitAsync(WorkerExitWait, _time);
        }
        catch (TimeoutException)
        {
            // Cancelling kills the worker processes that did not stop on the order.
            await run.CancelAsync();
            await Task.WhenAll(workers.Select(w => w.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)));
        }
        catch (Exception e) when (e is OperationCanceledException or HarnessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // After Ctrl-C the workers were killed on purpose: the report says "interrupted", not a worker failure.
            if (!interrupted)
            {
                _harnessError ??= $"worker: {e.Message}";
            }
        }
    }

    // Workers elsewhere learn of the stop only from a heartbeat answer: keep the API up until each has had one
    // (bounded: a dead worker does not hold the coordinator).
    private async Task WaitStopSeenAsync(CoordinatorState state)
    {
        try
        {
            await state.AllSawStop.WaitAsync((_options.HeartbeatInterval * 3) + TimeSpan.FromSeconds(2), _time);
        }
        catch (TimeoutException)
        {
            // A worker that does not heartbeat gives up on its own once the coordinator is gone.
        }
    }

    private void Record(HistoryEvent e) => _events.Enqueue(e);
}
