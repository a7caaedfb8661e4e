using System.Diagnostics;
using System.Text.Json;
using ChatResilience.Server.Hosting;
using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Load.Sharded.Remote;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Tests.Cli;
using ChatResilience.Simulator.Tests.Gate;

namespace ChatResilience.Simulator.Tests.Load.Sharded;

// Several chatsim processes each: run one class at a time with the other end-to-end tests, not beside them.
/// <summary><c>chatsim load --processes N</c> end to end: the coordinator, its load processes, the start handshake and the merge.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ShardedLoadTests() : CliTestBase("chatsim-sharded-load-")
{
    internal const string Scenario = """
        {
          "schemaVersion": 1, "name": "load-sharded", "seed": 4,
          "clients": { "count": 20, "groups": [ { "name": "wifi", "weight": 1 }, { "name": "cell", "weight": 1 } ] },
          "workload": { "rooms": [ { "name": "sh", "count": 2, "size": 10 } ], "sendRatePerClient": 1 },
          "faults": [ { "type": "latency", "group": "cell", "start": "1s", "duration": "1s", "attributes": { "latency": 50 } } ],
          "slos": { "delivery_latency_p99_ms": 60000, "connected_fraction_min": 0.9 },
          "load": { "version": 1, "rampRate": 20, "hold": "3s", "window": "1s" }
        }
        """;

    private string WriteScenario()
    {
        var path = Path.Combine(Dir, "s.json");
        File.WriteAllText(path, Scenario);
        return path;
    }

    [Fact]
    public async Task TwoLoadProcessesAgainstAServer_OneReportOfEveryClient()
    {
        var scenario = WriteScenario();
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        var outDir = Path.Combine(Dir, "out");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90), TimeProvider.System);
        // Tokens issued ahead, as a deployment with real identity would: every process reads the file it is passed.
        var plan = LoadRunner.PlanFor(LoadSettings.Resolve(ScenarioLoader.Parse(Scenario).Scenario, seed: 4));
        var tokenFile = Path.Combine(Dir, "tokens.txt");
        var users = new[] { new LoadShard(0, 2), new LoadShard(1, 2) }.SelectMany(s => LocalLoadFleet.Users(plan, s)).Distinct(StringComparer.Ordinal);
        await File.WriteAllLinesAsync(tokenFile, users.Select(u => $"{u} {server.IssueToken(u)}"));

        var exit = await LoadCommand.RunAsync(
            LoadArguments.Parse([scenario, "--out", outDir, "--server-url", server.BaseUri.ToString(), "--token-file", tokenFile, "--processes", "2"]),
            Out,
            timeout.Token,
            sharding: new ShardedLoadOptions { LaunchProcess = InProcessLoadProcess.Launch });

        var text = Out.ToString();
        Assert.True(exit == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(2, root.GetProperty("loadProcesses").GetInt32());
        Assert.False(root.TryGetProperty("processClocks", out _)); // processes of this machine share its clock
        // Every client of both processes connected once, and the once-a-second samples add up across them.
        Assert.Equal(20, root.GetProperty("connectTime").GetProperty("count").GetInt64());
        Assert.Equal(20, root.GetProperty("peakConnections").GetInt32());
        Assert.Equal(
            ["load process 0/2", "load process 1/2"],
            root.GetProperty("harnessLoad").GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("process").GetString()));
        Assert.Contains("[1/2] load process 1/2: 10 of 20 clients", text, StringComparison.Ordinal);
        Assert.EndsWith($"--token-file {tokenFile} --processes 2", root.GetProperty("reproCommand").GetString(), StringComparison.Ordinal);
        Assert.Contains("[0/2] fetching tokens for 11 users (--token-file)", text, StringComparison.Ordinal);
        Assert.Contains("<th>load processes</th><td>2</td>", File.ReadAllText(Path.Combine(outDir, "report.html")), StringComparison.Ordinal);

        // A message reaches readers in both processes, and the merged latency of each delivery is measured from the
        // sender's intended time in the other process: with the processes' clocks out of step it would be seconds off.
        var latency = root.GetProperty("deliveryLatency");
        Assert.True(latency.GetProperty("count").GetInt64() > 0);
        Assert.True(latency.GetProperty("max").GetInt64() < 5_000, latency.ToString());
        var shard0 = await LoadShardResult.ReadAsync(Path.Combine(outDir, "shards", "0"));
        var shard1 = await LoadShardResult.ReadAsync(Path.Combine(outDir, "shards", "1"));
        Assert.All(shard0.Connects, c => Assert.Equal(0, c.Index % 2));
        Assert.All(shard1.Connects, c => Assert.Equal(1, c.Index % 2));
        Assert.Equal(10, shard0.Connects.Count);
        // The processes' histories are merged into the report and not kept beside it.
        Assert.False(File.Exists(Path.Combine(outDir, "shards", "0", LoadShardResult.HistoryFileName)));
        foreach (var room in plan.Clients.SelectMany(c => c.Rooms).Distinct(StringComparer.Ordinal))
        {
            Assert.True((await server.Core.Log.GetRoomAsync(room))?.Head > 0, $"{room} got no message");
        }
    }

    [Fact]
    public async Task CtrlCDuringTheRun_EveryProcessWritesWhatItHas_AndThePartialReportCoversIt()
    {
        var scenario = WriteScenario();
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        var outDir = Path.Combine(Dir, "out");
        using var ctrlC = new CancellationTokenSource();
        var underWay = new BothSharesUnderWay(10, ctrlC.Cancel);
        using var progress = new LineCallbackWriter(line =>
        {
            Out.WriteLine(line);
            underWay.Watch(line);
        });

        var exit = await LoadCommand.RunAsync(
            LoadArguments.Parse([scenario, "--out", outDir, "--server-url", server.BaseUri.ToString(), "--dev-tokens", "--processes", "2", "--hold", "5m"]),
            progress,
            ctrlC.Token,
            sharding: new ShardedLoadOptions { LaunchProcess = InProcessLoadProcess.Launch }).WaitAsync(TimeSpan.FromSeconds(90));

        var text = Out.ToString();
        Assert.True(exit == 4, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.True(root.GetProperty("interrupted").GetBoolean());
        Assert.Equal(20, root.GetProperty("connectTime").GetProperty("count").GetInt64());
        Assert.True(root.GetProperty("deliveryLatency").GetProperty("count").GetInt64() > 0, text);
    }

    [Fact]
    public async Task RealProcesses_ServerProcessAndTwoLoadProcesses_Exit0()
    {
        // What a user runs: chatsim starts the server in a process of its own and two load processes of itself.
        var scenario = WriteScenario();
        var outDir = Path.Combine(Dir, "out");
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "chatsim.dll"), "load", scenario, "--out", outDir, "--processes", "2"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var text = await output + await errors;
        Assert.True(process.ExitCode == 0, text);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(LoadSummary.ServerProcess, root.GetProperty("serverUnderTest").GetString());
        Assert.Equal(20, root.GetProperty("connectTime").GetProperty("count").GetInt64());
        // The server's CPU and memory are its own process's, from its /metrics.
        Assert.Equal(ServerResourceProbe.FromMetrics, root.GetProperty("server").GetProperty("source").GetString());
        Assert.DoesNotContain("warm-up client failed", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALoadProcessThatFailsBeforeItIsReady_IsAHarnessFailureNamingIt()
    {
        var scenario = WriteScenario();
        var outDir = Path.Combine(Dir, "out");
        // Nothing listens at this server URL, so no process can fetch its tokens.
        var exit = await LoadCommand.RunAsync(
            LoadArguments.Parse([scenario, "--out", outDir, "--server-url", "http://127.0.0.1:9/", "--dev-tokens", "--processes", "2"]),
            Out,
            CancellationToken.None,
            sharding: new ShardedLoadOptions { LaunchProcess = InProcessLoadProcess.Launch });

        Assert.Equal(4, exit);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Matches("^load process [01]/2 exited with code 4 before it was ready", summary.RootElement.GetProperty("harnessError").GetString());
    }
}
