using System.Text.Json;
using ChatResilience.Simulator.Cli;

namespace ChatResilience.Simulator.Tests.Load;

public sealed class LoadCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chatsim-load-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _out.Dispose();
        _err.Dispose();
    }

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "s.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Load_50ClientsRamp25PerSecondHold5s_WritesPercentilesAndBreakTable()
    {
        var scenario = Write("""
            {
              "schemaVersion": 1, "name": "load-e2e", "seed": 3,
              "clients": { "count": 50 },
              "workload": { "rooms": [ { "name": "r", "count": 5, "size": 10 } ], "sendRatePerClient": 1 },
              "slos": { "delivery_latency_p99_ms": 60000, "connected_fraction_min": 0.5 },
              "load": { "version": 1, "rampRate": 25, "hold": "5s", "window": "2s" }
            }
            """);
        var outDir = Path.Combine(_dir, "out");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60), TimeProvider.System);

        var exit = await ChatSimApp.MainAsync(["load", scenario, "--out", outDir], _out, _err, timeout.Token);

        var text = _out.ToString();
        Assert.True(exit == 0, text + _err);
        Assert.Contains("SLO break table:", text, StringComparison.Ordinal);
        Assert.Matches(@"HELD\s+delivery_latency_p99_ms\s+≤ 60000\s+held to 50 connections", text);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("load", root.GetProperty("kind").GetString());
        Assert.Equal(50, root.GetProperty("connectTime").GetProperty("count").GetInt64());
        Assert.True(root.GetProperty("deliveryLatency").GetProperty("count").GetInt64() > 0);
        Assert.True(root.GetProperty("deliveryLatency").GetProperty("p99").GetInt64() >= root.GetProperty("deliveryLatency").GetProperty("p50").GetInt64());
        Assert.Equal(2, root.GetProperty("sloBreaks").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("gitCommit").GetString()));
        Assert.True(root.GetProperty("server").TryGetProperty("source", out _));
        // The load generator's own scheduling lag: one tick per sample, judged against the scenario's tolerance (250 ms default).
        var harness = root.GetProperty("harnessLoad");
        Assert.Equal(250, harness.GetProperty("toleranceMs").GetInt64());
        var process = Assert.Single(harness.GetProperty("processes").EnumerateArray());
        Assert.Equal("chatsim", process.GetProperty("process").GetString());
        Assert.True(process.GetProperty("samples").GetInt32() >= 5);
        Assert.Matches(@"harness\s+scheduling lag p50 \d+ ms, p99 \d+ ms, max \d+ ms \(\d+ ticks, \d+ over 250 ms\)", text);
        using var series = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "load.json")));
        Assert.True(series.RootElement.GetProperty("samples").GetArrayLength() >= 5);
        Assert.True(series.RootElement.GetProperty("windows").GetArrayLength() >= 3);
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("svg id=\"load-connections-plot\"", html, StringComparison.Ordinal);
        Assert.Contains("svg id=\"load-latency-plot\"", html, StringComparison.Ordinal);
        Assert.Contains("<testcase", File.ReadAllText(Path.Combine(outDir, "junit.xml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_BadLoadSection_Exit64NamingEveryField()
    {
        var scenario = Write("""
            { "schemaVersion": 1, "name": "x", "load": { "version": 2, "rampRate": 0, "hold": "25h", "window": "100ms", "messageRatePerClient": 500 } }
            """);

        var exit = await ChatSimApp.MainAsync(["load", scenario], _out, _err);

        Assert.Equal(64, exit);
        var err = _err.ToString();
        foreach (var field in new[] { "load.version: must be 1", "load.rampRate:", "load.hold:", "load.window:", "load.messageRatePerClient:" })
        {
            Assert.Contains(field, err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Load_HarnessFaultOrTooManyClients_Exit64()
    {
        var scenario = Write("""
            { "schemaVersion": 1, "name": "x", "faults": [ { "type": "server_restart", "start": "1s" } ] }
            """);

        var exit = await ChatSimApp.MainAsync(["load", scenario, "--target", "100000"], _out, _err);

        Assert.Equal(64, exit);
        Assert.Contains("faults[0].type: load mode runs network faults only", _err.ToString(), StringComparison.Ordinal);
        Assert.Contains("load.target / --target:", _err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--ramp", "0/s")]
    [InlineData("--ramp", "fast")]
    [InlineData("--rate", "-1")]
    [InlineData("--hold", "soon")]
    [InlineData("--target", "0")]
    public async Task Load_BadOption_Exit64NamingIt(string option, string value)
    {
        var exit = await ChatSimApp.MainAsync(["load", "s.json", option, value], _out, _err);

        Assert.Equal(64, exit);
        Assert.Contains(option + ":", _err.ToString(), StringComparison.Ordinal);
    }
}
