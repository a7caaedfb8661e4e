using System.Net.Http.Json;
using ChatResilience.Server;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Tests.Sharding;

/// <summary>The coordinator/worker protocol end to end in one process: real sockets on 127.0.0.1, two in-process workers.</summary>
public sealed class ShardedRunTests
{
    private const string TinyScenario = """
        {
          "schemaVersion": 1,
          "name": "tiny-shard",
          "duration": "3s",
          "seed": 5,
          "clients": { "count": 20, "groups": [ { "name": "wifi", "weight": 1 }, { "name": "cell", "weight": 1 } ] },
          "workload": {
            "users": 20,
            "rooms": [ { "name": "chat", "count": 2, "size": 10 } ],
            "sendRatePerClient": 1,
            "messageSize": { "min": 16, "max": 64 }
          },
          "faults": [ { "type": "latency", "group": "cell", "start": "1s", "duration": "1s", "attributes": { "latency": 50 } } ],
          "bounds": { "quiesce": "10s" }
        }
        """;

    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task TwoWorkers_TinyScenario_PassesWithBothWorkersInTheMergedHistory()
    {
        var scenario = ScenarioLoader.Parse(TinyScenario).Scenario;
        Uri? coordinator = null;
        var options = new ShardRunOptions
        {
            Workers = 2,
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            Tls = true, // as beyond loopback: the workers take the coordinator's certificate by its fingerprint
            StartServer = async (_, ct) => await EmbeddedChatTarget.StartAsync(new ServerBugSwitches(), 20, TimeProvider.System, null, ct),
            LaunchWorker = (url, fingerprint, _, ct) =>
            {
                coordinator = url;
                return new ShardWorker(url, fingerprint: fingerprint ?? throw new InvalidOperationException("no fingerprint for an HTTPS coordinator")).RunAsync(TextWriter.Null, ct);
            },
        };

        using var bound = new CancellationTokenSource(TestBound);
        var (result, info) = await Coordinator(scenario, options).RunAsync(bound.Token);
        var verdict = RunVerdict.Judge(scenario, result);

        Assert.True(verdict.ExitCode == 0, $"exit {verdict.ExitCode}: {result.HarnessError} {string.Join("; ", verdict.Invariants.Where(i => i.Status != ChatResilience.Simulator.Invariants.InvariantStatus.Passed).Select(i => i.Name))}");
        Assert.Equal([1, 2], result.History.Events.OfType<DeliveredEvent>().Select(e => e.Worker).Distinct().Order());
        Assert.Equal(20, info.Workers.Sum(w => w.Clients));
        Assert.All(info.Workers, w => Assert.True(w.ClockUncertaintyMs < 1_000));
        // Measured again at the end, so a drift would show (and move the history); on one machine there is none to speak of.
        Assert.All(info.Workers, w => Assert.InRange(w.ClockEndOffsetMs!.Value - w.ClockOffsetMs, -1_000, 1_000));
        Assert.All(info.Workers, w => Assert.Contains("at the end (drift", w.DescribeClock(), StringComparison.Ordinal));
        Assert.Single(result.History.Events.OfType<HarnessEvent>(), e => e.Kind == HarnessEventKinds.FaultsHealed);
        Assert.True(result.Quiesced);
        Assert.True(result.Acked > 0);
        // Each process's own scheduling lag reaches the merged result: the coordinator's and both workers' ticks.
        Assert.Equal(["coordinator", "worker 1", "worker 2"], result.SchedulingLag.Select(p => p.Process));
        Assert.All(result.SchedulingLag, p => Assert.NotEmpty(p.Samples));
        Assert.Equal(3, verdict.HarnessLoad.Processes.Count);
        Assert.Equal("https", coordinator?.Scheme);
    }

    [Fact]
    public async Task WorkerThatStopsHeartbeating_FailsTheRunAsAHarnessFailureNamingIt()
    {
        var scenario = ScenarioLoader.Parse(TinyScenario).Scenario;
        var options = new ShardRunOptions
        {
            Workers = 1,
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            MissedHeartbeats = 3,
            IgnoreScenarioWatchdog = true,
            StartServer = (_, _) => Task.FromResult<IChatTarget>(new NoServer()),
            LaunchWorker = async (url, _, _, ct) =>
            {
                // Registers, then never says another word.
                using var http = new HttpClient();
                using var response = await http.PostAsJsonAsync(new Uri(url, "v1/register"), new RegisterRequest(WorkerProtocol.Version, "mute", "test-host", 4242), ct);
                response.EnsureSuccessStatusCode();
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return 0;
            },
        };

        using var bound = new CancellationTokenSource(TestBound);
        var (result, _) = await Coordinator(scenario, options).RunAsync(bound.Token);

        Assert.Equal(4, RunVerdict.Judge(scenario, result).ExitCode);
        Assert.Contains("worker 1 (pid 4242 on test-host", result.HarnessError, StringComparison.Ordinal);
        Assert.Contains("silent", result.HarnessError, StringComparison.Ordinal);
        Assert.False(bound.IsCancellationRequested);
    }

    private static ShardCoordinator Coordinator(Scenario scenario, ShardRunOptions options) =>
        new(new SimulationSettings { Scenario = scenario, Seed = 5, Sharded = true }, options, TinyScenario, new Dictionary<string, string>(), new NullSink(), _ => { });

    private sealed class NullSink : IRunProgressSink
    {
        public void Report(RunProgress progress)
        {
        }
    }

    private sealed class NoServer : IChatTarget
    {
        public string Upstream => "127.0.0.1:9";

        public bool CanRestart => false;

        public ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken) => ValueTask.FromResult("t");

        public Task DeleteRoomAsync(string room, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RestartAsync(bool graceful, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
