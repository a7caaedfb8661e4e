using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Tests.Scenarios;

public sealed class ScenarioLoaderTests
{
    private const string Minimal = """
        { "schemaVersion": 1, "name": "t", "duration": "10s", "clients": { "count": 4 },
          "workload": { "rooms": [ { "name": "r", "count": 2, "size": 3 } ] } }
        """;

    private static readonly string[] Ready =
    [
        "flaky-mobile.json", "server-restart.json", "half-open.json", "slow-consumer.json", "reset-storm.json",
        "partition.json", "offline-conflict.json", "assistant-room.json", "gate.json", "load-ramp.json", "load-10k.json", "scale-10k.json",
    ];

    public static TheoryData<string> ReadyScenarios() => [.. Ready];

    [Theory]
    [MemberData(nameof(ReadyScenarios))]
    public void Load_ReadyScenario_Validates(string file)
    {
        var loaded = ScenarioLoader.Load(RepoPaths.Scenario(file));

        Assert.Equal(Path.GetFileNameWithoutExtension(file), loaded.Scenario.Name);
        Assert.Equal(16, loaded.Hash.Length);
    }

    [Fact]
    public void ScenarioFolder_HoldsOnlyKnownScenarios()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "chaos", "scenarios"), "*.json").Select(Path.GetFileName);
        Assert.All(files, f => Assert.Contains(f, Ready));
    }

    [Fact]
    public void Parse_Minimal_AppliesDefaults()
    {
        var s = ScenarioLoader.Parse(Minimal).Scenario;

        Assert.Equal(TimeSpan.FromSeconds(10), s.Duration);
        Assert.Equal(0.5, s.Workload.SendRatePerClient);
        Assert.Equal(TimeSpan.FromSeconds(30), s.Bounds.Convergence);
        Assert.Equal(["r-0", "r-1"], RoomNames.All(s.Workload.Rooms));
    }

    [Theory]
    [InlineData("\"size\": 3", "\"size\": 0", "workload.rooms[0].size: must be ≥ 1")]
    [InlineData("\"size\": 3", "\"size\": 9", "workload.rooms[0].size: must be ≤ clients.count (4)")]
    [InlineData("\"schemaVersion\": 1", "\"schemaVersion\": 2", "schemaVersion: must be 1")]
    [InlineData("\"duration\": \"10s\"", "\"duration\": \"ten\"", "duration: must be a duration")]
    [InlineData("\"count\": 4", "\"count\": 4, \"colour\": 1", "clients.colour:")]
    [InlineData("\"name\": \"t\",", "", "name: required")]
    [InlineData("\"count\": 4 }", "\"count\": 4, \"groups\": [ { \"name\": \"A B\" } ] }", "clients.groups[0].name: must match")]
    public void Parse_BadField_ErrorNamesTheField(string find, string replace, string expected)
    {
        var json = Minimal.Replace(find, replace, StringComparison.Ordinal);

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json));

        Assert.Contains(e.Errors, m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "type": "earthquake", "start": "1s" }""", "faults[0].type: unknown fault type 'earthquake'")]
    [InlineData("""{ "type": "latency", "start": "1s" }""", "faults[0].duration: must be > 0 for a network fault")]
    [InlineData("""{ "type": "latency", "start": "1s", "duration": "1s", "attributes": { "lag": 5 } }""", "faults[0].attributes.lag: unknown attribute")]
    [InlineData("""{ "type": "latency", "group": "nope", "start": "1s", "duration": "1s" }""", "faults[0].group: unknown group 'nope'")]
    [InlineData("""{ "type": "room_delete", "room": "r-7", "start": "1s" }""", "faults[0].room: must name a generated room")]
    [InlineData("""{ "type": "down", "start": "11s", "duration": "1s" }""", "faults[0].start: must be within the run duration")]
    public void Parse_BadFault_ErrorNamesTheField(string fault, string expected)
    {
        var json = Minimal.Replace("\"workload\"", $"\"faults\": [ {fault} ], \"workload\"", StringComparison.Ordinal);

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json));

        Assert.Contains(e.Errors, m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SeveralBadFields_ListsEveryOne()
    {
        var json = Minimal.Replace("\"size\": 3", "\"size\": 0", StringComparison.Ordinal).Replace("\"count\": 2", "\"count\": 0", StringComparison.Ordinal);

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json));

        Assert.Contains("workload.rooms[0].size: must be ≥ 1", e.Errors);
        Assert.Contains(e.Errors, m => m.StartsWith("workload.rooms[0].count", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NotJson_ReportsLine()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse("{\n\"name\": }"));

        Assert.Contains("line 2", e.Errors[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    public void DurationText_Parses(string text, double ms)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("-5s")]
    [InlineData("5 days")]
    public void DurationText_RejectsBadText(string text) => Assert.False(DurationText.TryParse(text, out _));
}
