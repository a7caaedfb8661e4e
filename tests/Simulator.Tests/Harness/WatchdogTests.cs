using System.Text.Json;
using System.Xml.Linq;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Tests.Gate;

namespace ChatResilience.Simulator.Tests.Harness;

/// <summary>A run that really hangs — the server under test never hands out a token, so no client ever connects — must end by the watchdog.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WatchdogTests : IDisposable
{
    private const string Scenario = """
        { "schemaVersion": 1, "name": "hung", "duration": "5s", "clients": { "count": 3 },
          "workload": { "rooms": [ { "name": "r", "count": 1, "size": 3 } ], "sendRatePerClient": 1 },
          "bounds": { "watchdog": "2s" } }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("chatsim-watchdog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 30_000)]
    public async Task Run_TargetNeverAnswers_WatchdogEndsItWithExit4AndDumpsTheStuckClients()
    {
        var loaded = ScenarioLoader.Parse(Scenario);

        // The start-up bound is far beyond the watchdog's, so only the watchdog can end this run.
        var settings = new SimulationSettings { Scenario = loaded.Scenario, Seed = 3, StartupTimeout = TimeSpan.FromSeconds(60) };
        await using var target = new HangingTarget();
        var started = DateTime.UtcNow;

        var result = await new SimulationRunner(settings, new NoProgress(), TimeProvider.System, null, _ => Task.FromResult<IChatTarget>(target)).RunAsync();
        var verdict = RunVerdict.Judge(loaded.Scenario, result);
        await RunReport.WriteAsync(_dir, loaded, settings.Seed, result, verdict, "chatsim run hung.json --seed 3");

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "the watchdog did not end the hung run promptly");
        Assert.Equal(ExitCodes.HarnessFailure, verdict.ExitCode);
        Assert.StartsWith("watchdog: no progress for ", result.HarnessError, StringComparison.Ordinal);
        Assert.EndsWith("in phase connecting", result.HarnessError, StringComparison.Ordinal);
        Assert.Equal(3, result.StuckClients.Count);
        Assert.All(result.StuckClients, s => Assert.Matches("^sim-c0000[0-2] state=Connecting ", s));
        Assert.True(target.TokenRequests >= 3, $"only {target.TokenRequests} token requests: the clients never got as far as hanging");

        var error = Assert.Single(XDocument.Load(Path.Combine(_dir, ReportWriter.JUnitFileName)).Descendants("error"));
        Assert.Equal(result.HarnessError, (string)error.Attribute("message")!);
        Assert.Contains("sim-c00001 state=Connecting", error.Value, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, ReportWriter.SummaryFileName)));
        Assert.Equal(4, summary.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal(3, summary.RootElement.GetProperty("stuckClients").GetArrayLength());
    }

    private sealed class NoProgress : IRunProgressSink
    {
        public void Report(RunProgress progress)
        {
        }
    }

    /// <summary>A server whose token endpoint never answers: every client waits forever in its first connect.</summary>
    private sealed class HangingTarget : IChatTarget
    {
        private readonly TaskCompletionSource<string> _never = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _tokenRequests;

        public int TokenRequests => Volatile.Read(ref _tokenRequests);

        public string Upstream => "127.0.0.1:9";

        public bool CanRestart => false;

        public ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _tokenRequests);
            return new ValueTask<string>(_never.Task.WaitAsync(cancellationToken));
        }

        public Task DeleteRoomAsync(string room, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RestartAsync(bool graceful, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            _never.TrySetCanceled();
            return ValueTask.CompletedTask;
        }
    }
}
