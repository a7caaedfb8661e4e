namespace ChatResilience.Chaos.Tests;

public class CommandLineTests
{
    [Fact]
    public void TryParse_AllOptions()
    {
        Assert.True(CommandLine.TryParse(["--host", "127.0.0.1", "--port", "0", "--seed", "-5"], out var options, out _));
        Assert.Equal(("127.0.0.1", 0, (int?)-5), (options.Host, options.Port, options.Seed));
    }

    [Fact]
    public void TryParse_NoArguments_GivesToxiproxyDefaults()
    {
        Assert.True(CommandLine.TryParse([], out var options, out _));
        Assert.Equal(("127.0.0.1", 8474, (int?)null), (options.Host, options.Port, options.Seed));
    }

    [Theory]
    [InlineData("--port", "99999")]
    [InlineData("--port", "abc")]
    [InlineData("--seed", "x")]
    [InlineData("--host", "not a host")]
    [InlineData("--bogus", "1")]
    [InlineData("--port")]
    public void TryParse_BadArguments_FailWithAMessage(params string[] args)
    {
        Assert.False(CommandLine.TryParse(args, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
