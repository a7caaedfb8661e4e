using System.Text.Json;
using ChatResilience.Server.Hosting;
using ChatResilience.Server.Storage;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Tests.Harness;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Tests.Cli;

/// <summary>
/// <c>chatsim run --server-url</c>: the gate against a deployment the harness did not start and cannot restart. (The
/// removed members stop sending to the room once told, so no final nack needs surfacing: that checker has its own
/// scenarios; here the removal is checked on the server.)
/// </summary>
public sealed class ExternalServerRunTests() : CliTestBase("chatsim-external-")
{
    private const string Scenario = """
        { "schemaVersion": 1, "name": "external-gate", "seed": 11, "duration": "6s", "clients": { "count": 8 },
          "client": { "reconnect": { "delayBase": "100ms", "delayMax": "1s" } },
          "workload": { "rooms": [ { "name": "chat", "count": 2, "size": 4 } ], "sendRatePerClient": 2 },
          "faults": [
            { "type": "latency", "start": "1s", "duration": "2s", "attributes": { "latency": 100 } },
            { "type": "reset_peer", "start": "3s", "duration": "200ms", "attributes": { "timeout": 0 } },
            { "type": "member_remove", "room": "chat-1", "fraction": 0.5, "start": "4s" } ],
          "bounds": { "quiesce": "10s", "convergence": "8s" },
          "minSamples": { "FinalNacksSurfaced": 0 } }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_ExternalServerWithNetworkFaultsAndAMemberRemoval_PassesEveryCheckerOnTheDeployment(bool tokenFile)
    {
        var scenarioPath = Path.Combine(Dir, "external.json");
        await File.WriteAllTextAsync(scenarioPath, Scenario);
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        var plan = WorkloadPlanner.Create(ScenarioLoader.Parse(Scenario).Scenario, 11);
        var tokenCommand = await TokenFileCommand.WriteAsync(server, plan.Clients.Select(c => c.UserId), Dir);
        var outDir = Path.Combine(Dir, "out");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90), TimeProvider.System);

        var exit = await ChatSimApp.MainAsync(
            ["run", scenarioPath, "--out", outDir, "--plain", "--server-url", server.BaseUri.ToString(),
             .. tokenFile ? ["--token-file", Path.Combine(Dir, "tokens.txt")] : new[] { "--token-command", tokenCommand }, // the file the command reads
             "--admin-token", server.IssueToken("chatsim-admin", admin: true)],
            Out,
            Err,
            timeout.Token);

        Assert.True(exit == 0, Out.ToString() + Err);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        var invariants = summary.RootElement.GetProperty("invariants").EnumerateArray().ToList();
        Assert.Equal(12, invariants.Count);
        Assert.All(invariants, i => Assert.Equal("Passed", i.GetProperty("status").GetString()));
        Assert.Contains(summary.RootElement.GetProperty("executedFaults").EnumerateArray(), f => f.GetString()!.Contains("member_remove", StringComparison.Ordinal));
        // The deployment itself carried the traffic and took the admin call.
        foreach (var room in new[] { "chat-0", "chat-1" })
        {
            Assert.True((await server.Core.Log.GetRoomAsync(room))?.Head > 0, $"{room} got no message on the external server");
        }

        await AssertSomeoneRemovedFromChat1Async(server, plan);
    }

    [Fact]
    public async Task Run_DevelopmentServerWithDevTokens_NeedsNoTokenCommandOrAdminToken()
    {
        var scenarioPath = Path.Combine(Dir, "external.json");
        await File.WriteAllTextAsync(scenarioPath, Scenario);
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        var outDir = Path.Combine(Dir, "out");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90), TimeProvider.System);

        // Every token, the admin's for the member removal included, from the server's POST /dev/token.
        var exit = await ChatSimApp.MainAsync(["run", scenarioPath, "--out", outDir, "--plain", "--server-url", server.BaseUri.ToString(), "--dev-tokens"], Out, Err, timeout.Token);

        Assert.True(exit == 0, Out.ToString() + Err);
        Assert.Contains($"--server-url {server.BaseUri} --dev-tokens", Out.ToString() + await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")), StringComparison.Ordinal);
        await AssertSomeoneRemovedFromChat1Async(server, WorkloadPlanner.Create(ScenarioLoader.Parse(Scenario).Scenario, 11));
    }

    private static async Task AssertSomeoneRemovedFromChat1Async(ChatServerHost server, WorkloadPlan plan)
    {
        var chat1 = plan.Clients.Where(c => c.Rooms.Contains("chat-1")).Select(c => c.UserId).Distinct(StringComparer.Ordinal).ToList();
        var states = await Task.WhenAll(chat1.Select(u => server.Core.Log.GetMembershipAsync("chat-1", u).AsTask()));
        Assert.Contains(MembershipState.Removed, states);
    }
}
