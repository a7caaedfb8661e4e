using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Load.Compare;
using ChatResilience.Simulator.Tests.Cli;

namespace ChatResilience.Simulator.Tests.Load;

public sealed class CompareTests() : CliTestBase("chatsim-compare-")
{
    private static string Load(double p99 = 400, double sent = 100, int breakAt = 1500, string scenario = "load-ramp", string extra = "", bool broke = true) => $$"""
        {
          "kind": "load", "schemaVersion": 1, "scenarioName": "{{scenario}}", "scenarioSha256": "abc",
          "connectTime": { "count": 10, "p50": 20, "p90": 30, "p99": 40, "p999": 45, "max": 50 },
          "deliveryLatency": { "count": 1000, "p50": 50, "p90": 200, "p99": {{p99}}, "p999": 800, "max": 900 },
          "holdRates": { "sentPerSecond": {{sent}}, "ackedPerSecond": {{sent}}, "deliveredPerSecond": {{sent * 49}} },
          "peakConnections": 2000, "connectFailures": 0, "errors": 0,
          "server": { "source": "server /metrics", "cpuPercentMax": 150, "memoryBytesMax": 300000000 },
          "sloBreaks": [ { "metric": "delivery_latency_p99_ms", "broke": {{(broke ? "true" : "false")}}, "connections": {{breakAt}}, "messagesPerSecond": 300 } ]{{extra}}
        }
        """;

    private string Write(string name, string json)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private Task<int> CompareAsync(params string[] args) => ChatSimApp.MainAsync(["compare", .. args], Out, Err);

    [Fact]
    public async Task Compare_WithinTolerance_Exit0()
    {
        var exit = await CompareAsync(Write("a.json", Load()), Write("b.json", Load(p99: 430, sent: 95)));

        Assert.Equal(0, exit);
        Assert.Matches(@"delivery_latency_p99_ms\s+400\s+430\s+\+7\.5%\s+10%\s+ok", Out.ToString());
    }

    [Fact]
    public async Task Compare_DeploymentAgainstEmbeddedBaseline_SaysSoAndStillCompares()
    {
        // A summary written before serverUnderTest was recorded loaded the embedded server.
        var exit = await CompareAsync(Write("a.json", Load()), Write("b.json", Load(extra: ", \"serverUnderTest\": \"http://chat.internal:5080/\"")));

        Assert.Equal(0, exit);
        Assert.Contains("note: the server under test differs (embedded → http://chat.internal:5080/)", Out.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"delivery_latency_p99_ms\s+400\s+400", Out.ToString());
    }

    [Fact]
    public async Task Compare_SameServerUnderTest_NoNote()
    {
        var exit = await CompareAsync(Write("a.json", Load(extra: ", \"serverUnderTest\": \"embedded\"")), Write("b.json", Load()));

        Assert.Equal(0, exit);
        Assert.DoesNotContain("server under test", Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_ASafetyCheckerThatFoundViolations_IsARegression_AndAnOlderSummaryWithoutCheckersIsNot()
    {
        static string Checkers(int violations) =>
            $$""", "invariants": [ { "name": "NoDuplicateDelivery", "samples": 900, "violationCount": {{violations}} }, { "name": "PerRoomTotalOrder", "samples": 900, "violationCount": 0 } ]""";

        var exit = await CompareAsync(Write("a.json", Load(extra: Checkers(0))), Write("b.json", Load(extra: Checkers(2))));

        Assert.Equal(1, exit);
        Assert.Matches(@"invariant\.NoDuplicateDelivery\.violations\s+0\s+2\s+\S+\s+10%\s+REGRESSED", Out.ToString());
        Assert.Matches(@"invariant\.PerRoomTotalOrder\.violations\s+0\s+0\s+0\.0%\s+10%\s+ok", Out.ToString());

        // A baseline written before load runs were checked: the checkers are new, not a regression.
        Out.GetStringBuilder().Clear();
        Assert.Equal(0, await CompareAsync(Write("old.json", Load()), Write("c.json", Load(extra: Checkers(0)))));
    }

    [Fact]
    public async Task Compare_LatencyUpPastTolerance_Exit1Regressed()
    {
        var exit = await CompareAsync(Write("a.json", Load()), Write("b.json", Load(p99: 500)));

        Assert.Equal(1, exit);
        Assert.Matches(@"delivery_latency_p99_ms\s+400\s+500\s+\+25\.0%\s+10%\s+REGRESSED", Out.ToString());
    }

    [Fact]
    public async Task Compare_ThroughputDownAndBreakPointEarlier_AreRegressions_LatencyDownIsImproved()
    {
        var exit = await CompareAsync(Write("a.json", Load()), Write("b.json", Load(p99: 200, sent: 80, breakAt: 1000)));

        Assert.Equal(1, exit);
        var table = Out.ToString();
        Assert.Matches(@"delivery_latency_p99_ms\s+400\s+200\s+-50\.0%.*improved", table);
        Assert.Matches(@"hold_sent_per_s\s+100\s+80\s+-20\.0%.*REGRESSED", table);
        Assert.Matches(@"slo_break\.delivery_latency_p99_ms\.connections\s+1500\s+1000.*REGRESSED", table);
    }

    [Fact]
    public async Task Compare_SloHeldBeforeBrokeNowAtTheSameLoad_IsARegression()
    {
        var exit = await CompareAsync(Write("a.json", Load(broke: false)), Write("b.json", Load()));

        Assert.Equal(1, exit);
        Assert.Matches(@"slo_break\.delivery_latency_p99_ms\.held\s+1\s+0\s+-100\.0%.*REGRESSED", Out.ToString());
        Assert.Matches(@"slo_break\.delivery_latency_p99_ms\.connections\s+1500\s+1500\s+0\.0%.*ok", Out.ToString());
    }

    [Fact]
    public async Task Compare_PerMetricTolerance_OverridesTheDefault()
    {
        var exit = await CompareAsync(Write("a.json", Load()), Write("b.json", Load(p99: 500)), "--tolerance", "5%", "--metric", "delivery_latency_p99_ms=30%");

        Assert.Equal(0, exit);
        Assert.Matches(@"delivery_latency_p99_ms\s+400\s+500\s+\+25\.0%\s+30%\s+ok", Out.ToString());
    }

    [Fact]
    public async Task Compare_MetricMissingInNew_IsListedNotFailed()
    {
        var withoutBreaks = Load().Replace("\"sloBreaks\"", "\"ignored\"", StringComparison.Ordinal);

        var exit = await CompareAsync(Write("a.json", Load()), Write("b.json", withoutBreaks));

        Assert.Equal(0, exit);
        Assert.Matches(@"slo_break\.delivery_latency_p99_ms\.connections\s+1500\s+—.*missing in new", Out.ToString());
    }

    [Fact]
    public async Task Compare_RequiredFieldMissing_Exit64NamingFileAndField()
    {
        var broken = Write("b.json", Load().Replace("\"holdRates\"", "\"hold\"", StringComparison.Ordinal));

        var exit = await CompareAsync(Write("a.json", Load()), broken);

        Assert.Equal(64, exit);
        Assert.Contains($"{broken}: holdRates: missing or not an object", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_LoadAgainstRunSummary_Exit64()
    {
        const string run = """
            { "scenarioName": "load-ramp", "duration": "00:01:00", "onlineLatency": { "count": 1, "p50": 1, "p90": 1, "p99": 1, "p999": 1, "max": 1 },
              "counts": { "sent": 60, "delivered": 600, "failed": 0, "refused": 0 } }
            """;

        var exit = await CompareAsync(Write("a.json", Load()), Write("b.json", run));

        Assert.Equal(64, exit);
        Assert.Contains("kind: a run summary cannot be compared with the load summary", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_RunSummaries_ComparesLatencyAndRates()
    {
        static string Run(int p99, int sent) => $$"""
            { "scenario": "gate", "scenarioHash": "h", "durationMs": 60000, "onlineLatency": { "count": 100, "p50": 10, "p90": 20, "p99": {{p99}}, "p999": 40, "max": 50 },
              "counts": { "sent": {{sent}}, "delivered": 600, "failed": 0, "refused": 0 },
              "slos": [ { "name": "delivery_latency_p99_ms", "unit": "ms", "threshold": 8000, "observed": {{p99}}, "passed": true } ] }
            """;

        var exit = await CompareAsync(Write("a.json", Run(30, 600)), Write("b.json", Run(30, 480)));

        Assert.Equal(1, exit);
        Assert.Matches(@"sent_per_s\s+10\s+8\s+-20\.0%.*REGRESSED", Out.ToString());
        Assert.Matches(@"slo\.delivery_latency_p99_ms\s+30\s+30\s+0\.0%.*ok", Out.ToString());
    }

    [Fact]
    public async Task Compare_UnreadableOrNotJson_Exit64()
    {
        Assert.Equal(64, await CompareAsync(Path.Combine(Dir, "nope.json"), Write("b.json", Load())));
        Assert.Contains("nope.json: cannot read the file", Err.ToString(), StringComparison.Ordinal);
        Assert.Equal(64, await CompareAsync(Write("a.json", "{ not json"), Write("c.json", Load())));
        Assert.Equal(64, await CompareAsync(Write("d.json", Load()), Write("e.json", Load(scenario: "other"))));
        Assert.Contains("scenarioName: 'other' differs", Err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ChangePercent_FromZero_IsInfinite_NoChangeIsZero()
    {
        Assert.Equal(double.PositiveInfinity, RegressionTable.ChangePercent(0, 5));
        Assert.Equal(0, RegressionTable.ChangePercent(0, 0));
        Assert.Equal(-50, RegressionTable.ChangePercent(10, 5));
    }
}
