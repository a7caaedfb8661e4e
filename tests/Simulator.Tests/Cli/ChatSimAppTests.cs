using ChatResilience.Simulator.Cli;

namespace ChatResilience.Simulator.Tests.Cli;

public sealed class ChatSimAppTests() : CliTestBase("chatsim-cli-")
{
    [Fact]
    public async Task Validate_ReadyScenarios_ExitZero()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "chaos", "scenarios"), "*.json");

        var exit = await ChatSimApp.MainAsync(["validate", .. files], Out, Err);

        Assert.Equal(0, exit);
        Assert.Contains("gate.json: ok", Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadScenario_Exit64NamingTheField()
    {
        var file = Write("""{ "schemaVersion": 1, "name": "x", "workload": { "rooms": [ { "size": 0 } ] } }""");

        var exit = await ChatSimApp.MainAsync(["validate", file], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("workload.rooms[0].size: must be ≥ 1", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadScenario_Exit64()
    {
        var file = Write("""{ "schemaVersion": 1, "name": "x", "duration": "forever" }""");

        Assert.Equal(64, await ChatSimApp.MainAsync(["run", file], Out, Err));
        Assert.Contains("duration: must be a duration", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingFile_Exit64()
    {
        Assert.Equal(64, await ChatSimApp.MainAsync(["run", Path.Combine(Dir, "nope.json")], Out, Err));
        Assert.Contains("cannot read the file", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SeedsPastTheLargestSeed_Exit64BeforeAnyRun()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("partition.json"), "--seed", "2147483646", "--seeds", "3"], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("--seeds: 3 seeds from 2147483646 run past the largest seed (2147483647)", Err.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("chatsim: ", Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AboveFileBudget_Exit64ExplainingSharding()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("partition.json"), "--clients", "6000", "--no-split"], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("drop --no-split to shard the run across worker processes", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MoreDevicesPerUserThanTheServerAllows_Exit64NamingUsers()
    {
        // flaky-mobile has 30 users: 2,000 clients would be 67 devices per user, above the embedded server's 64.
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("flaky-mobile.json"), "--clients", "2000"], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("workload.users: 2000 clients over 30 users is 67 devices per user", Err.ToString(), StringComparison.Ordinal);
        Assert.Contains("at least 32", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TooFewWorkersForTheClients_Exit64NamingTheCount()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("partition.json"), "--clients", "10000", "--workers", "1"], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("--workers 2", Err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "worker: usage is  chatsim worker --coordinator")]
    [InlineData(new[] { "--coordinator", "ftp://h/" }, "--coordinator: 'ftp://h/' must be an absolute http or https URL")]
    [InlineData(new[] { "--coordinator", "https://127.0.0.1:9/", "--coordinator-fingerprint", "not-hex" }, "--coordinator-fingerprint: 'not-hex' is not a SHA-256 fingerprint")]
    [InlineData(new[] { "--coordinator", "https://127.0.0.1:9/", "--shard", "1" }, "(unknown argument '--shard')")]
    public async Task Worker_BadArguments_Exit64NamingThem(string[] args, string message)
    {
        var exit = await ChatSimApp.MainAsync(["worker", .. args], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains(message, Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ExternalServerWithRestartFault_Exit64()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("server-restart.json"), "--server-url", "http://127.0.0.1:9", "--token-command", "echo"], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("faults[0] server_restart: an external server (--server-url) cannot be restarted", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownBugSwitch_Exit64ListingKnownOnes()
    {
        var exit = await ChatSimApp.MainAsync(["run", RepoPaths.Scenario("partition.json"), "--bug", "MakeItWork=true"], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("--bug MakeItWork: unknown switch (known: DropBroadcastEveryN", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_Exit64WithUsage()
    {
        Assert.Equal(64, await ChatSimApp.MainAsync(["fly"], Out, Err));
        Assert.Contains("usage:", Err.ToString(), StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(Dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }
}
