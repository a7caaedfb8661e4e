using ChatResilience.Simulator.Cli;

namespace ChatResilience.Simulator.Tests.Cli;

public sealed class CliParserTests
{
    [Fact]
    public void ParseRun_AllOptions_AreRead()
    {
        var a = CliParser.ParseRun(["s.json", "--seed", "7", "--clients", "12", "--duration", "15s", "--out", "o", "--repeat", "3",
            "--server-url", "http://h:8080", "--token-command", "tok", "--admin-token", "adm", "--toxiproxy-url", "http://t:8474", "--bug", "SkipSeamHold=true"]);

        Assert.Equal("s.json", a.ScenarioPath);
        Assert.Equal(7, a.Seed);
        Assert.Equal(12, a.Clients);
        Assert.Equal(TimeSpan.FromSeconds(15), a.Duration);
        Assert.Equal(3, a.Repeat);
        Assert.Equal("http://h:8080/", a.ServerUrl!.ToString());
        Assert.Equal("true", a.Bugs["SkipSeamHold"]);
    }

    [Theory]
    [InlineData(new[] { "--seed", "1" }, "run: a scenario file is required")]
    [InlineData(new[] { "s.json", "--seed", "x" }, "--seed: 'x' must be an integer")]
    [InlineData(new[] { "s.json", "--seed" }, "--seed: needs a value")]
    [InlineData(new[] { "s.json", "--duration", "soon" }, "--duration: 'soon' is not a duration")]
    [InlineData(new[] { "s.json", "--frobnicate" }, "--frobnicate: unknown option")]
    [InlineData(new[] { "s.json", "--bug", "nothing" }, "--bug: 'nothing' must be name=value")]
    [InlineData(new[] { "s.json", "--server-url", "ftp://x" }, "--server-url: 'ftp://x' must be an absolute http or https URL")]
    [InlineData(new[] { "s.json", "--server-url", "http://x" }, "--server-url: needs --token-command")]
    [InlineData(new[] { "s.json", "--admin-token", "t" }, "--token-command / --token-file / --admin-token: only with --server-url")]
    [InlineData(new[] { "s.json", "--dev-tokens" }, "--dev-tokens: only with --server-url")]
    [InlineData(new[] { "s.json", "--seeds", "0" }, "--seeds: '0' must be an integer in [1, 10000]")]
    [InlineData(new[] { "s.json", "--repeat", "3", "--seeds", "5" }, "--repeat and --seeds: one at a time")]
    [InlineData(new[] { "s.json", "--server-url", "http://x", "--dev-tokens", "--admin-token", "t" }, "--dev-tokens / --token-command / --token-file / --admin-token: give one source of tokens")]
    public void ParseRun_BadArguments_NameTheArgument(string[] args, string expected)
    {
        var e = Assert.Throws<CliException>(() => CliParser.ParseRun(args));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRun_Seeds_IsACountOfConsecutiveSeeds_AndNeverInTheRepeatCommand()
    {
        var a = CliParser.ParseRun(["s.json", "--seed", "40", "--seeds", "25"]);

        Assert.Equal(25, a.Seeds);
        Assert.Equal(1, a.Repeat);
        Assert.Equal("chatsim run s.json --seed 41", a.RepeatCommand(41));
        Assert.Equal(1, CliParser.ParseRun(["s.json"]).Seeds);
    }

    [Fact]
    public void ParseRun_DevTokens_NeedNoCommandAndRepeatWithoutSecrets()
    {
        var a = CliParser.ParseRun(["s.json", "--server-url", "http://h:8080", "--dev-tokens"]);

        Assert.True(a.DevTokens);
        Assert.Null(a.TokenCommand);
        Assert.EndsWith("--server-url http://h:8080/ --dev-tokens", a.RepeatCommand(7), StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatCommand_HoldsScenarioSeedAndBugs()
    {
        var a = CliParser.ParseRun(["chaos/scenarios/gate.json", "--clients", "20", "--bug", "StoreReplayTwice=true"]);

        Assert.Equal("chatsim run chaos/scenarios/gate.json --seed 42 --clients 20 --bug StoreReplayTwice=true", a.RepeatCommand(42));
    }
}
