using System.Text.Json;
using System.Text.RegularExpressions;
using ChatResilience.Server.Hosting;
using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Load.Sharded.Remote;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Tests.Cli;
using ChatResilience.Simulator.Tests.Gate;

namespace ChatResilience.Simulator.Tests.Load.Sharded;

// Several chatsim processes each: run one class at a time with the other end-to-end tests, not beside them.
/// <summary>
/// <c>chatsim load --external-processes N</c> with <c>chatsim load-process --coordinator URL</c> end to end: load
/// processes the coordinator did not start register over HTTP, run their shares, and upload what they recorded.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ExternalLoadProcessTests() : CliTestBase("chatsim-external-load-")
{
    [Fact]
    public async Task TwoExternalProcesses_RegisterRunAndUpload_OneReportOfEveryClient()
    {
        var scenario = WriteScenario();
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        var outDir = Path.Combine(Dir, "out");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120), TimeProvider.System);
        var (coordinator, url) = await StartCoordinatorAsync(scenario, outDir, server.BaseUri, timeout.Token);

        // One process uses the coordinator's token source (dev tokens); the other its own machine's token file.
        var plan = LoadRunner.PlanFor(LoadSettings.Resolve(ScenarioLoader.Parse(ShardedLoadTests.Scenario).Scenario, seed: 4));
        var tokenFile = Path.Combine(Dir, "tokens.txt");
        var users = new[] { new LoadShard(0, 2), new LoadShard(1, 2) }.SelectMany(s => LocalLoadFleet.Users(plan, s)).Distinct(StringComparer.Ordinal);
        await File.WriteAllLinesAsync(tokenFile, users.Select(u => $"{u} {server.IssueToken(u)}"));
        using var text0 = new StringWriter();
        using var text1 = new StringWriter();
        var out0 = TextWriter.Synchronized(text0);
        var out1 = TextWriter.Synchronized(text1);
        var keptDir = Path.Combine(Dir, "p1");
        var p0 = new LoadProcessClient(url).RunAsync(out0, timeout.Token);
        var p1 = new LoadProcessClient(url, keptDir, ["--token-file", tokenFile]).RunAsync(out1, timeout.Token);

        var exit = await coordinator;
        var text = Out.ToString();
        Assert.True(exit == 0, $"{text}{text0}{text1}");
        Assert.Equal(0, await p0);
        Assert.Equal(0, await p1);
        Assert.Contains("(POST /dev/token)", text0.ToString(), StringComparison.Ordinal);
        Assert.Contains("(--token-file)", text1.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"load process [01]/2 \(.+ pid \d+\) registered", text);
        // The processes' own lines reach the coordinator's output, prefixed with their share.
        Assert.Matches(@"\[[01]/2\] load process [01]/2: 10 of 20 clients", text);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(2, root.GetProperty("loadProcesses").GetInt32());
        Assert.Equal(20, root.GetProperty("connectTime").GetProperty("count").GetInt64());
        Assert.EndsWith("--external-processes 2 --coordinator-listen 127.0.0.1:0", root.GetProperty("reproCommand").GetString(), StringComparison.Ordinal);
        // Each process's clock against the coordinator's: on one machine, a fraction of a millisecond either way.
        var clocks = root.GetProperty("processClocks").EnumerateArray().ToList();
        Assert.Equal(["load process 0/2", "load process 1/2"], clocks.Select(c => c.GetProperty("process").GetString()));
        Assert.All(clocks, c => Assert.InRange(c.GetProperty("uncertaintyMs").GetDouble(), 0, 1_000));
        Assert.All(clocks, c => Assert.InRange(c.GetProperty("offsetMs").GetDouble(), -1_000, 1_000));
        // Measured again when each share was done, so a drift during the run shows.
        Assert.All(clocks, c => Assert.InRange(c.GetProperty("endOffsetMs").GetDouble(), -1_000, 1_000));
        Assert.All(clocks, c => Assert.InRange(c.GetProperty("endUncertaintyMs").GetDouble(), 0, 1_000));
        Assert.Matches(@"clock +load process 0/2 on .+: clock offset", text);
        Assert.Contains("load process clocks", File.ReadAllText(Path.Combine(outDir, "report.html")), StringComparison.Ordinal);
        // Deliveries cross processes; with the start instants not moved onto each process's clock the latency would be off.
        var latency = root.GetProperty("deliveryLatency");
        Assert.True(latency.GetProperty("count").GetInt64() > 0, latency.ToString());
        Assert.True(latency.GetProperty("max").GetInt64() < 5_000, latency.ToString());
        for (var i = 0; i < 2; i++)
        {
            var shard = await LoadShardResult.ReadAsync(Path.Combine(outDir, "shards", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal($"{i}/2", shard.Shard);
            Assert.Equal(10, shard.Connects.Count);
            Assert.All(shard.Connects, c => Assert.Equal(i, c.Index % 2));
        }

        // A process given --out keeps its files there; the uploaded history was merged and removed on the coordinator.
        Assert.True(File.Exists(Path.Combine(keptDir, LoadShardResult.FileName)));
        Assert.Contains($"uploaded (exit 0); a copy stays in {keptDir}", text1.ToString(), StringComparison.Ordinal);
        // One without --out says its temporary folder (named by its share's "results in" line) is gone, and it is.
        var removed = Regex.Match(text0.ToString(), @"uploaded \(exit 0\); its temporary folder (.+) is removed");
        Assert.True(removed.Success, text0.ToString());
        Assert.Contains($"results in {removed.Groups[1].Value}", text0.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(removed.Groups[1].Value));
        Assert.False(File.Exists(Path.Combine(outDir, "shards", "0", LoadShardResult.HistoryFileName)));
    }

    [Fact]
    public async Task AnExternalProcessThatCannotRunItsShare_FailsTheRunWithItsError_AndTheOtherIsToldToStop()
    {
        var scenario = WriteScenario();
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        var outDir = Path.Combine(Dir, "out");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120), TimeProvider.System);
        var (coordinator, url) = await StartCoordinatorAsync(scenario, outDir, server.BaseUri, timeout.Token);
        using var healthyText = new StringWriter();
        var p0 = new LoadProcessClient(url).RunAsync(TextWriter.Synchronized(healthyText), timeout.Token);
        var p1 = new LoadProcessClient(url, ownTokenOptions: ["--token-file", Path.Combine(Dir, "missing.txt")]).RunAsync(TextWriter.Null, timeout.Token);

        Assert.Equal(4, await coordinator);
        Assert.Equal(4, await p1);
        // The healthy process learns the run is over without it instead of waiting for a start that never comes.
        Assert.Equal(4, await p0);
        Assert.Contains("the coordinator ended the run without this process", healthyText.ToString(), StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Matches(@"^load process [01]/2 exited with code -1 before it was ready: failed on .+: .*missing\.txt", summary.RootElement.GetProperty("harnessError").GetString());
    }

    [Fact]
    public async Task CtrlCAtTheCoordinator_EveryProcessIsToldToStop_UploadsWhatItHas_AndThePartialReportCoversIt()
    {
        var scenario = WriteScenario();
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        var outDir = Path.Combine(Dir, "out");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120), TimeProvider.System);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        // Ctrl-C once both processes' forwarded progress lines show every client connected and some deliveries.
        var underWay = new BothSharesUnderWay(10, ctrlC.Cancel);
        var (coordinator, url) = await StartCoordinatorAsync(scenario, outDir, server.BaseUri, ctrlC.Token, ["--hold", "5m"], underWay.Watch);
        using var text0 = new StringWriter();
        using var text1 = new StringWriter();
        var p0 = new LoadProcessClient(url).RunAsync(TextWriter.Synchronized(text0), timeout.Token);
        var p1 = new LoadProcessClient(url).RunAsync(TextWriter.Synchronized(text1), timeout.Token);

        var exit = await coordinator;
        var all = $"{Out}{text0}{text1}";
        Assert.True(exit == 4, all);
        Assert.False(timeout.IsCancellationRequested, all); // stopped by the Ctrl-C above, not by the test's bound
        // Each process stopped as Ctrl-C stops a load process (exit 4) and still uploaded its share.
        Assert.Equal(4, await p0);
        Assert.Equal(4, await p1);
        Assert.Contains("uploaded (exit 4)", text0.ToString(), StringComparison.Ordinal);
        Assert.Contains("uploaded (exit 4)", text1.ToString(), StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.True(root.GetProperty("interrupted").GetBoolean());
        Assert.Equal(20, root.GetProperty("connectTime").GetProperty("count").GetInt64());
        Assert.True(root.GetProperty("deliveryLatency").GetProperty("count").GetInt64() > 0, all);
    }

    [Fact]
    public async Task RealProcesses_ACoordinatorOverHttpsAndTwoLoadProcessExecutables_Exit0()
    {
        // What a user runs, on one machine here: the coordinator (which starts its own server process) and two
        // chatsim load-process given the arguments it prints. Its API serves HTTPS as it does beyond loopback, so the
        // processes take its certificate by the printed fingerprint.
        var scenario = WriteScenario();
        var outDir = Path.Combine(Dir, "out");
        using var coordinator = Chatsim("load", scenario, "--out", outDir, "--external-processes", "2", "--coordinator-tls");
        var coordinatorText = new System.Text.StringBuilder();
        string[]? join = null;
        while (join is null && await coordinator.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
        {
            coordinatorText.AppendLine(line);
            join = Regex.Match(line, @"chatsim load-process (--coordinator https://\S+ --coordinator-fingerprint [0-9A-F]{64})$") is { Success: true } m ? m.Groups[1].Value.Split(' ') : null;
        }

        Assert.True(join is not null, coordinatorText.ToString());
        var rest = coordinator.StandardOutput.ReadToEndAsync();
        using var p0 = Chatsim(["load-process", .. join]);
        using var p1 = Chatsim(["load-process", .. join]);
        var texts = new[] { p0, p1 }.Select(p => p.StandardOutput.ReadToEndAsync()).ToArray();
        try
        {
            await Task.WhenAll(coordinator.WaitForExitAsync(), p0.WaitForExitAsync(), p1.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            foreach (var p in new[] { coordinator, p0, p1 }.Where(p => !p.HasExited))
            {
                p.Kill(entireProcessTree: true);
            }
        }

        var all = $"{coordinatorText}{await rest}{await texts[0]}{await texts[1]}";
        Assert.True(coordinator.ExitCode == 0, all);
        Assert.Equal(0, p0.ExitCode);
        Assert.Equal(0, p1.ExitCode);
        Assert.Contains("load-process: share 0/2 uploaded (exit 0)", all, StringComparison.Ordinal);
        Assert.Contains("load-process: share 1/2 uploaded (exit 0)", all, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(20, summary.RootElement.GetProperty("connectTime").GetProperty("count").GetInt64());
        Assert.Equal(LoadSummary.ServerProcess, summary.RootElement.GetProperty("serverUnderTest").GetString());
    }

    private static System.Diagnostics.Process Chatsim(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "chatsim.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = System.Diagnostics.Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { }; // drained, so a chatty process never blocks on a full pipe
        process.BeginErrorReadLine();
        return process;
    }

    private string WriteScenario()
    {
        var path = Path.Combine(Dir, "s.json");
        File.WriteAllText(path, ShardedLoadTests.Scenario);
        return path;
    }

    /// <summary>Starts <c>chatsim load --external-processes 2</c> against <paramref name="serverUrl"/> (development tokens) and returns it with the URL it tells load processes to register at.</summary>
    private async Task<(Task<int> Exit, Uri Url)> StartCoordinatorAsync(
        string scenario, string outDir, Uri serverUrl, CancellationToken cancellationToken, string[]? options = null, Action<string>? watch = null)
    {
        var url = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new LineCallbackWriter(line =>
        {
            Out.WriteLine(line);
            if (Regex.Match(line, @"chatsim load-process --coordinator (\S+)") is { Success: true } m)
            {
                url.TrySetResult(new Uri(m.Groups[1].Value));
            }

            watch?.Invoke(line);
        });
        List<string> args = [scenario, "--out", outDir, "--server-url", serverUrl.ToString(), "--dev-tokens", "--external-processes", "2", "--coordinator-listen", "127.0.0.1:0", .. options ?? []];

        var exit = Task.Run(() => LoadCommand.RunAsync(LoadArguments.Parse(args), progress, cancellationToken), CancellationToken.None);
        var first = await Task.WhenAny(exit, url.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken));
        return first == exit ? throw new InvalidOperationException($"the coordinator ended before it listened: {Out}") : (exit, await url.Task);
    }
}
