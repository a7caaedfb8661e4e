using System.Text.Json;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Tests.Gate;

/// <summary>
/// Proves the gate can fail: each test-only bug switch, on a short real run (embedded server, proxies, real
/// clients over loopback), must end in exit 1 naming the checker that guards against it; a clean run must pass.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GateCanFailTests : IDisposable
{
    private const int RunTimeoutMs = 90_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("chatsim-gate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory(Timeout = RunTimeoutMs)]
    [InlineData("steady", "DropBroadcastEveryN=3", "NoAckedMessageLost")]
    [InlineData("replays", "StoreReplayTwice=true", "NoDuplicateDelivery")]
    [InlineData("assistant", "AnswerAssistantTwice=true", "AssistantAnsweredOnce")]
    [InlineData("resets", "ReorderSends=true", "PerSenderOrder")]
    [InlineData("outage", "IgnoreJitterAtCap=true", "BackoffWithinPolicy")]
    [InlineData("restart", "IgnoreRetryAfter=true", "BackoffWithinPolicy")]
    [InlineData("seam", "SkipSeamHold=true", "ReplayIsGapFree")]
    public async Task Run_WithBugSwitch_Exit1NamingTheChecker(string scenario, string bug, string checker)
    {
        var (exit, output, summary) = await RunAsync(scenario, "--bug", bug);

        Assert.True(exit == ExitCodes.InvariantViolated, $"exit {exit}, expected 1\n{output}");
        Assert.Contains($"FAIL         {checker}", output, StringComparison.Ordinal);
        var failed = summary.GetProperty("invariants").EnumerateArray().Where(i => i.GetProperty("status").GetString() == "Failed").Select(i => i.GetProperty("name").GetString());
        Assert.Contains(checker, failed);
        Assert.Contains($"--bug {bug}", summary.GetProperty("repeatCommand").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = RunTimeoutMs)]
    public async Task Run_SeamScenarioWithoutBug_Exit0()
    {
        var (exit, output, _) = await RunAsync("seam");

        Assert.True(exit == ExitCodes.Pass, output);
        Assert.Contains("PASS         ReplayIsGapFree", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 2 * RunTimeoutMs)]
    public async Task Run_CleanWithFaults_Exit0AndSameSeedSameFaultHash()
    {
        var first = await RunAsync("replays", "--seed", "5");
        var second = await RunAsync("replays", "--seed", "5");

        Assert.True(first.Exit == ExitCodes.Pass, first.Output);
        Assert.True(second.Exit == ExitCodes.Pass, second.Output);
        Assert.Equal(first.Summary.GetProperty("planHash").GetString(), second.Summary.GetProperty("planHash").GetString());
        Assert.Equal(first.Summary.GetProperty("executedFaultHash").GetString(), second.Summary.GetProperty("executedFaultHash").GetString());
        Assert.Equal(7, first.Summary.GetProperty("executedFaults").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(_dir, "out-replays", "junit.xml")));
    }

    [Fact(Timeout = 2 * RunTimeoutMs)]
    public async Task Seeds_RunsConsecutiveSeedsOnceEach_AndListsTheFailedOnesWithTheirRepeatCommands()
    {
        var file = Path.Combine(_dir, "steady.json");
        await File.WriteAllTextAsync(file, GateScenarios.Steady);
        var outDir = Path.Combine(_dir, "out-seeds");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ChatSimApp.MainAsync(["run", file, "--seed", "5", "--seeds", "2", "--out", outDir, "--plain", "--bug", "DropBroadcastEveryN=3"], output, error);

        var text = output + error.ToString();
        var runs = new List<(long Seed, int Exit, string Repeat)>();
        foreach (var seed in new[] { 5, 6 })
        {
            // Each seed ran once, into a folder of its own, with the seed it names.
            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, $"seed-{seed}", "summary.json")));
            var root = summary.RootElement;
            Assert.Equal(seed, root.GetProperty("seed").GetInt64());
            runs.Add((seed, root.GetProperty("exitCode").GetInt32(), root.GetProperty("repeatCommand").GetString()!));
            Assert.Contains($"chatsim: gate-steady seed {seed}, 8 clients, 6s (run {seed - 4}/2)", text, StringComparison.Ordinal);
        }

        // The bug loses messages under (almost) any seed; the summary must say exactly what the two reports say.
        var failed = runs.Where(r => r.Exit != ExitCodes.Pass).ToList();
        Assert.NotEmpty(failed);
        Assert.True(exit == ExitCodes.InvariantViolated, text);
        Assert.Contains($"seeds: 2 run(s), seeds 5–6: {2 - failed.Count} passed, {failed.Count} failed", text, StringComparison.Ordinal);
        foreach (var run in failed)
        {
            Assert.Equal($"chatsim run {file} --seed {run.Seed} --bug DropBroadcastEveryN=3", run.Repeat);
            Assert.Contains($"  seed {run.Seed}: exit {run.Exit} (NoAckedMessageLost", text, StringComparison.Ordinal);
            Assert.Contains($"; repeat: {run.Repeat}", text, StringComparison.Ordinal);
        }

        Assert.Contains($"  NoAckedMessageLost: failed in {failed.Count}/2 seeds", text, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outDir, "summary.json")));

        // runs.json says the same for a CI job to read: every seed with its exit code, what failed and its repeat command.
        using var series = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "runs.json")));
        Assert.Equal("seeds", series.RootElement.GetProperty("kind").GetString());
        Assert.Equal(exit, series.RootElement.GetProperty("exitCode").GetInt32());
        var listed = series.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(runs.Select(r => (r.Seed, r.Exit, r.Repeat)), listed.Select(r => (r.GetProperty("seed").GetInt64(), r.GetProperty("exitCode").GetInt32(), r.GetProperty("repeatCommand").GetString()!)));
        Assert.All(listed.Where(r => r.GetProperty("exitCode").GetInt32() != 0), r => Assert.Contains("NoAckedMessageLost", r.GetProperty("failed").EnumerateArray().Select(f => f.GetString())));
        Assert.Equal(Path.Combine(outDir, "seed-5"), listed[0].GetProperty("directory").GetString());
    }

    private async Task<(int Exit, string Output, JsonElement Summary)> RunAsync(string scenario, params string[] extra)
    {
        var json = scenario switch
        {
            "steady" => GateScenarios.Steady,
            "replays" => GateScenarios.Replays,
            "resets" => GateScenarios.Resets,
            "assistant" => GateScenarios.Assistant,
            "outage" => GateScenarios.Outage,
            "restart" => GateScenarios.Restart,
            "seam" => GateScenarios.Seam,
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };
        var file = Path.Combine(_dir, scenario + ".json");
        await File.WriteAllTextAsync(file, json);
        var outDir = Path.Combine(_dir, "out-" + scenario);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ChatSimApp.MainAsync(["run", file, "--out", outDir, "--plain", .. extra], output, error);
        var text = output + error.ToString();
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        return (exit, text, summary.RootElement.Clone());
    }
}

/// <summary>End-to-end runs measure wall-clock backoff: they run alone, not beside other test classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
