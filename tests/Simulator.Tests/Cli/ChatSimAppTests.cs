using ChatResilience.Simulator.Cli;

namespace ChatResilience.Simulator.Tests.Cli;

public sealed class ChatSimAppTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chatsim-cli-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _out.Dispose();
        _err.Dispose();
    }

    [Fact]
    public async Task Validate_ReadyScenarios_ExitZero()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "chaos", "scenarios"), "*.json");

        var exit = await ChatSimApp.MainAsync(["validate", .. files], _out, _err);

        Assert.Equal(0, exit);
        Assert.Contains("gate.json: ok", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadScenario_Exit64NamingTheField()
    {
        var file = Write("""{ "schemaVersion": 1, "name": "x", "workload": { "rooms": [ { "size": 0 } ] } }""");

        var exit = await ChatSimApp.MainAsync(["validate", file], _out, _err);

        Assert.Equal(64, exit);
        Assert.Contains("workload.rooms[0].size: must be ≥ 1", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadScenario_Exit64()
    {
        var file = Write("""{ "schemaVersion": 1, "name": "x", "duration": "forever" }""");

        Assert.Equal(64, await ChatSimApp.MainAsync(["run", file], _out, _err));
        Assert.Contains("duration: must be a duration", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingFile_Exit64()
    {
        Assert.Equal(64, await ChatSimApp.MainAsync(["run", Path.Combine(_dir, "nope.json")], _out, _err));
        Assert.Contains("cannot read the file", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AboveFileBudget_Exit64ExplainingSharding()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("partition.json"), "--clients", "6000", "--no-split"], _out, _err);

        Assert.Equal(64, exit);
        Assert.Contains("drop --no-split to shard the run across worker processes", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MoreDevicesPerUserThanTheServerAllows_Exit64NamingUsers()
    {
        // flaky-mobile has 30 users: 2,000 clients would be 67 devices per user, above the embedded server's 64.
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("flaky-mobile.json"), "--clients", "2000"], _out, _err);

        Assert.Equal(64, exit);
        Assert.Contains("workload.users: 2000 clients over 30 users is 67 devices per user", _err.ToString(), StringComparison.Ordinal);
        Assert.Contains("at least 32", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TooFewWorkersForTheClients_Exit64NamingTheCount()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("partition.json"), "--clients", "10000", "--workers", "1"], _out, _err);

        Assert.Equal(64, exit);
        Assert.Contains("--workers 2", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ExternalServerWithRestartFault_Exit64()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("server-restart.json"), "--server-url", "http://127.0.0.1:9", "--token-command", "echo"], _out, _err);

        Assert.Equal(64, exit);
        Assert.Contains("faults[0] server_restart: an external server (--server-url) cannot be restarted", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownBugSwitch_Exit64ListingKnownOnes()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("partition.json"), "--bug", "MakeItWork=true"], _out, _err);

        Assert.Equal(64, exit);
        Assert.Contains("--bug MakeItWork: unknown switch (known: DropBroadcastEveryN", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_Exit64WithUsage()
    {
        Assert.Equal(64, await ChatSimApp.MainAsync(["fly"], _out, _err));
        Assert.Contains("usage:", _err.ToString(), StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }
}
