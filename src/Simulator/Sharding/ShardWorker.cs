using System.Diagnostics;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// <c>chatsim worker --coordinator URL</c>: registers, measures its clock offset, runs its shard with the ordinary
/// <see cref="SimulationRunner"/> (own proxies, own clients) while heartbeating, then uploads its history (shifted
/// to the coordinator's clock, stamped with its id) and result, and waits for the stop order.
/// </summary>
public sealed class ShardWorker
{
    private static readonly TimeSpan RegisterRetryFor = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CoordinatorLostAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan EndProbeBound = TimeSpan.FromSeconds(10);

    private readonly Uri _coordinator;
    private readonly TimeProvider _time;
    private readonly string _instance;
    private readonly long _start;
    private readonly string? _secret;
    private readonly string? _fingerprint;

    /// <param name="coordinator">The coordinator's base URL.</param>
    /// <param name="time">Clock. Default: system.</param>
    /// <param name="instance">Unique registration id. Default: host, pid and a random suffix.</param>
    /// <param name="secret">The coordinator's shared secret (<see cref="CoordinatorSecret"/>). Default: none.</param>
    /// <param name="fingerprint">The coordinator's certificate fingerprint (<see cref="CoordinatorTls"/>), for an HTTPS coordinator. Default: none.</param>
    public ShardWorker(Uri coordinator, TimeProvider? time = null, string? instance = null, string? secret = null, string? fingerprint = null)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        _coordinator = coordinator;
        _secret = secret;
        _fingerprint = fingerprint;
        _time = time ?? TimeProvider.System;
        _instance = instance ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        _start = _time.GetTimestamp();
    }

    private double LocalMs => _time.GetElapsedTime(_start).TotalMilliseconds;

    /// <summary>Runs the worker to the end; 0 when its results were accepted, 4 when it could not take part.</summary>
    public async Task<int> RunAsync(TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var http = new HttpClient(CoordinatorTls.Handler(_fingerprint)) { Timeout = TimeSpan.FromSeconds(120) };
        CoordinatorSecret.Apply(http, _secret);
        WorkerAssignment assignment;
        ClockOffset offset;
        double offsetAtLocalMs;
        try
        {
            assignment = await RegisterAsync(http, cancellationToken);
            offset = await MeasureOffsetAsync(http, cancellationToken);
            offsetAtLocalMs = LocalMs;
        }
        catch (Exception e) when (e is HttpRequestException or HarnessException or TaskCanceledException)
        {
            await log.WriteLineAsync($"chatsim worker: {e.Message}");
            return ExitCodes.HarnessFailure;
        }

        await log.WriteLineAsync($"chatsim worker {assignment.WorkerId}: shard {assignment.ShardIndex + 1}/{assignment.ShardCount}, clock offset {offset.OffsetMs:0.0} ms ± {offset.UncertaintyMs:0.0}");
        var scenario = ScenarioLoader.Parse(assignment.ScenarioJson, "coordinator scenario").Scenario;
        scenario = scenario with { Clients = scenario.Clients with { Count = assignment.Clients }, Duration = TimeSpan.FromMilliseconds(assignment.DurationMs) };
        var shard = new ShardAssignment(assignment.WorkerId, assignment.ShardIndex, assignment.ShardCount);
        var baselineRss = ProcessUsage.RssAfterFullGc();
        long readyRss = 0;
        var hooks = new WorkerHooks(http, _coordinator, assignment.WorkerId, () => LocalMs, () => offset.OffsetMs, _time)
        {
            OnClientsReady = () => readyRss = ProcessUsage.RssAfterFullGc(),
        };
        await using var target = new RemoteChatTarget(new Uri(assignment.ServerUrl));
        var settings = new SimulationSettings
        {
            Scenario = scenario,
            Seed = assignment.Seed,
            ClientBugs = BugSwitches.Parse(assignment.Bugs).Client,
            StartupTimeout = TimeSpan.FromMilliseconds(assignment.StartupTimeoutMs),
            Shard = new ShardContext { Assignment = shard, Target = target, Hooks = hooks },
        };

        // The runner's clock starts in its constructor: its zero is this local instant, i.e. this coordinator instant.
        var zeroLocalMs = LocalMs;
        var shiftMs = zeroLocalMs + offset.OffsetMs;
        var runner = new SimulationRunner(settings, NullProgressSink.Instance, _time);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var usage = new ProcessUsage(Process.GetCurrentProcess());
        var heartbeat = new WorkerHeartbeatLoop(http, _coordinator, assignment, runner, usage, hooks, run, _time);
        using var heartbeatStop = new CancellationTokenSource();
        var beating = heartbeat.RunAsync(heartbeatStop.Token);
        var result = await runner.RunAsync(run.Token);
        heartbeat.Phase = "uploading";
        var code = ExitCodes.Pass;
        try
        {
            // Measured again now the shard is done: over a long run the clocks drift apart, and each recorded time is
            // moved by the offset at its own instant, not by the one probed at the start.
            var drift = new ClockDrift(offsetAtLocalMs, offset, LocalMs, await MeasureEndOffsetAsync(http, offset, log, assignment.WorkerId));
            long ShiftFor(long atMs) => drift.ShiftFor(zeroLocalMs, atMs);
            var serverShiftMs = assignment.CoordinatorStartUnixMs == 0 ? (long)Math.Round(shiftMs) : runner.StartUnixMs - assignment.CoordinatorStartUnixMs;
            var events = result.History.Events.Select(e => ClockShift.Apply(e, ShiftFor(e.AtMs), serverShiftMs, assignment.WorkerId));
            using (var content = new NdjsonContent(events))
            using (var response = await http.PostAsync(new Uri(_coordinator, $"v1/workers/{assignment.WorkerId}/history"), content, cancellationToken))
            {
                await ProtocolHttp.EnsureAsync(response, "history upload", cancellationToken);
            }

            usage.Sample();
            var harnessFaults = result.Plan.Faults.Where(f => FaultTypes.Harness.Contains(f.Type)).Select(f => f.Describe()).ToList();
            var body = new WorkerResult
            {
                WorkerId = assignment.WorkerId,
                Clients = result.Plan.Clients.Count,
                ShiftMs = shiftMs,
                ClockOffsetMs = offset.OffsetMs,
                ClockUncertaintyMs = offset.UncertaintyMs,
                ClockEndOffsetMs = drift.End.OffsetMs,
                ClockEndUncertaintyMs = drift.End.UncertaintyMs,
                NetworkFaultActions = [.. result.FaultActions.Where(a => !harnessFaults.Any(h => a.StartsWith(h, StringComparison.Ordinal)))],
                HarnessError = result.HarnessError ?? heartbeat.Abort,
                HistorySpillError = result.HistorySpillError,
                StuckClients = [.. result.StuckClients],
                Quiesced = result.Quiesced,
                Interrupted = result.Interrupted,
                HealedAtMs = result.HealedAtMs + ShiftFor(result.HealedAtMs),
                Events = result.History.Events.Count,
                Sent = result.Sent,
                Acked = result.Acked,
                Delivered = result.Delivered,
                Failed = result.Failed,
                Refused = result.Refused,
                ConnectAttempts = result.ConnectAttempts,
                PeakRssBytes = usage.PeakRssBytes,
                CpuSeconds = usage.CpuSeconds,
                PeakOpenFiles = usage.PeakOpenFiles,
                BaselineRssBytes = baselineRss,
                ReadyRssBytes = readyRss,
                SchedulingLag = [.. result.SchedulingLag.SelectMany(p => p.Samples).Select(s => s with { AtMs = s.AtMs + ShiftFor(s.AtMs) })],
            };
            using (var response = await http.PostAsJsonAsync(new Uri(_coordinator, $"v1/workers/{assignment.WorkerId}/result"), body, ShardingJsonContext.Default.WorkerResult, cancellationToken))
            {
                await ProtocolHttp.EnsureAsync(response, "result upload", cancellationToken);
            }

            heartbeat.Phase = "done";
            await heartbeat.Stopped.WaitAsync(StopWait, _time, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or HarnessException or TimeoutException or TaskCanceledException)
        {
            await log.WriteLineAsync($"chatsim worker {assignment.WorkerId}: {e.Message}");
            code = ExitCodes.HarnessFailure;
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await beating;
        }

        await log.WriteLineAsync($"chatsim worker {assignment.WorkerId}: done ({result.Plan.Clients.Count} clients, {result.History.Events.Count} events)");
        return code;
    }

    private Task<ClockOffset> MeasureOffsetAsync(HttpClient http, CancellationToken cancellationToken) =>
        ClockSync.MeasureAsync(() => LocalMs, async ct => (await http.GetFromJsonAsync(new Uri(_coordinator, "v1/clock"), ShardingJsonContext.Default.ClockReading, ct))!.CoordinatorMs, cancellationToken: cancellationToken);

    /// <summary>The offset measured again at the end; the start's when the coordinator cannot be probed (said in the log).</summary>
    private async Task<ClockOffset> MeasureEndOffsetAsync(HttpClient http, ClockOffset start, TextWriter log, int workerId)
    {
        using var bound = new CancellationTokenSource(EndProbeBound, _time);
        try
        {
            return await MeasureOffsetAsync(http, bound.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            await log.WriteLineAsync($"chatsim worker {workerId}: the clock offset could not be measured again ({e.Message}); the start's stands for the whole run");
            return start;
        }
    }

    private Task<WorkerAssignment> RegisterAsync(HttpClient http, CancellationToken cancellationToken) =>
        ProtocolHttp.RegisterAsync(
            http,
            new Uri(_coordinator, "v1/register"),
            new RegisterRequest(WorkerProtocol.Version, _instance, Environment.MachineName, Environment.ProcessId),
            ShardingJsonContext.Default.RegisterRequest,
            ShardingJsonContext.Default.WorkerAssignment,
            RegisterRetryFor,
            _time,
            cancellationToken);

    /// <summary>The coordinator shows the progress; a worker reports nothing locally.</summary>
    private sealed class NullProgressSink : IRunProgressSink
    {
        public static readonly NullProgressSink Instance = new();

        public void Report(RunProgress progress)
        {
        }
    }

    internal static TimeSpan LostAfter => CoordinatorLostAfter;
}
