using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Tests.Load.Sharded;

/// <summary>The pure parts of a sharded load run: who owns which client, the start line, the files and the merge.</summary>
public sealed class LoadShardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chatsim-load-shard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Shards_PartitionTheClients_EveryOneOwnedOnce()
    {
        for (var count = 2; count <= 5; count++)
        {
            for (var clients = 0; clients <= 23; clients++)
            {
                var shards = Enumerable.Range(0, count).Select(i => new LoadShard(i, count)).ToList();
                Assert.Equal(clients, shards.Sum(s => s.ClientsOf(clients)));
                Assert.All(Enumerable.Range(0, clients), c => Assert.Single(shards, s => s.Owns(c)));
                Assert.All(shards, s => Assert.Equal(s.ClientsOf(clients), Enumerable.Range(0, clients).Count(s.Owns)));
            }
        }
    }

    [Theory]
    [InlineData("0/2", 0, 2)]
    [InlineData("3/4", 3, 4)]
    [InlineData("63/64", 63, 64)]
    public void Parse_IOverN(string text, int index, int count)
    {
        var shard = LoadShard.TryParse(text);
        Assert.Equal((index, count), (shard!.Index, shard.Count));
        Assert.Equal(text, shard.ToString());
    }

    [Theory]
    [InlineData("2/2")]
    [InlineData("0/1")]
    [InlineData("0/65")]
    [InlineData("-1/2")]
    [InlineData("1")]
    [InlineData("/2")]
    [InlineData("1/")]
    [InlineData("a/b")]
    [InlineData(" 0/2")]
    public void Parse_RejectsWhatIsNotAShard(string text) => Assert.Null(LoadShard.TryParse(text));

    [Fact]
    public async Task Handshake_SaysReadyThenReturnsTheStartInstant()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123);
        var said = new StringWriter();
        var handshake = new ShardStartHandshake(said, new StringReader(ShardStartHandshake.StartLine(at) + "\n"));

        Assert.Equal(at, await handshake.ReadyAsync(CancellationToken.None));
        Assert.Equal(ShardStartHandshake.ReadyLine + Environment.NewLine, said.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("stop")]
    [InlineData("start soon")]
    [InlineData("start -5")]
    public async Task Handshake_AnythingButAStartLine_IsAHarnessError(string line)
    {
        var handshake = new ShardStartHandshake(new StringWriter(), new StringReader(line));
        await Assert.ThrowsAsync<HarnessException>(() => handshake.ReadyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WrittenResult_HasRampRelativeTimesAndTheShardsWorkerId()
    {
        var shard = new LoadShard(1, 3);
        var result = Result(originMs: 1_000, [new ConnectAttemptEvent { AtMs = 1_500, StartedAtMs = 1_400, ClientId = "c1", Outcome = "welcome" }], [Sample(0, connected: 1)]);

        await LoadShardResult.WriteAsync(_dir, shard, result);

        var read = await LoadShardResult.ReadAsync(_dir);
        Assert.Equal("1/3", read.Shard);
        await using var file = File.OpenRead(Path.Combine(_dir, LoadShardResult.HistoryFileName));
        var events = await HistoryFile.ReadEventsAsync(file).ToListAsync();
        var e = Assert.IsType<ConnectAttemptEvent>(Assert.Single(events));
        Assert.Equal((500L, 400L, 2), (e.AtMs, e.StartedAtMs, e.Worker));
    }

    [Fact]
    public void Samples_AddUpTickByTick_ServerReadingsFromTheFirst_OnlyTicksEveryProcessReached()
    {
        var first = Shard("0/2", [Sample(0, connected: 3, sent: 10, lag: 5, cpu: 40), Sample(1_000, connected: 4, sent: 20, lag: 1, cpu: 50), Sample(2_000, connected: 4, sent: 30, lag: 1, cpu: 55)]);
        var second = Shard("1/2", [Sample(2, connected: 2, sent: 7, lag: 9, cpu: 99), Sample(1_003, connected: 5, sent: 9, lag: 0, cpu: 99)]);

        var merged = LoadShardMerge.Samples([first, second]);

        Assert.Equal(2, merged.Count);
        Assert.Equal((2L, 5, 17L, 9L, 40.0), (merged[0].AtMs, merged[0].Connected, merged[0].Sent, merged[0].HarnessLagMs, merged[0].ServerCpuPercent!.Value));
        Assert.Equal((1_003L, 9, 29L, 1L, 50.0), (merged[1].AtMs, merged[1].Connected, merged[1].Sent, merged[1].HarnessLagMs, merged[1].ServerCpuPercent!.Value));
    }

    [Fact]
    public async Task Merge_ConcatenatesHistoriesAndConnects_AndNamesAFailedProcess()
    {
        var plan = LoadRunner.PlanFor(LoadSettings.Resolve(ScenarioLoader.Parse(TinyScenario).Scenario, seed: 1));
        var dirs = new[] { Path.Combine(_dir, "0"), Path.Combine(_dir, "1") };
        await LoadShardResult.WriteAsync(dirs[0], new LoadShard(0, 2), Result(100, [new ConnectAttemptEvent { AtMs = 150, ClientId = "a", Outcome = "welcome" }], [Sample(0, 1)], [new ConnectRecord(2, 0, 40), new ConnectRecord(0, 0, 30)]));
        await LoadShardResult.WriteAsync(dirs[1], new LoadShard(1, 2), Result(7_000, [new ConnectAttemptEvent { AtMs = 7_020, ClientId = "b", Outcome = "welcome" }], [Sample(0, 1)], [new ConnectRecord(1, 0, 35)]) with { HarnessError = "proxy failed" });

        var merged = await LoadShardMerge.MergeAsync(plan, [(await LoadShardResult.ReadAsync(dirs[0]), dirs[0]), (await LoadShardResult.ReadAsync(dirs[1]), dirs[1])], spillDirectory: null);

        Assert.Equal([(20L, "b"), (50L, "a")], merged.History.Events.OfType<ConnectAttemptEvent>().Select(e => (e.AtMs, e.ClientId)));
        Assert.Equal([0, 1, 2], merged.Connects.Select(c => c.Index));
        Assert.Equal("load process 1/2: proxy failed", merged.HarnessError);
        Assert.Equal(0, merged.OriginMs);
    }

    [Fact]
    public async Task Merge_AMissingHistory_IsAHarnessErrorNamingTheFile()
    {
        var plan = LoadRunner.PlanFor(LoadSettings.Resolve(ScenarioLoader.Parse(TinyScenario).Scenario, seed: 1));
        var result = new LoadShardResult { Shard = "0/2", Connects = [], Samples = [], ResourceSource = "none" };

        var e = await Assert.ThrowsAsync<HarnessException>(() => LoadShardMerge.MergeAsync(plan, [(result, _dir)], null));
        Assert.Contains(LoadShardResult.HistoryFileName, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AnUnreadableResult_IsAHarnessErrorNamingTheFile()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, LoadShardResult.FileName), "{ not json");
        var e = await Assert.ThrowsAsync<HarnessException>(() => LoadShardResult.ReadAsync(_dir));
        Assert.Contains(LoadShardResult.FileName, e.Message, StringComparison.Ordinal);
    }

    private const string TinyScenario = """
        { "schemaVersion": 1, "name": "tiny", "clients": { "count": 3 }, "workload": { "rooms": [ { "name": "r", "count": 1, "size": 3 } ] } }
        """;

    private static LoadSample Sample(long atMs, int connected, long sent = 0, long lag = 0, double? cpu = null) =>
        new() { AtMs = atMs, Connected = connected, Sent = sent, HarnessLagMs = lag, ServerCpuPercent = cpu };

    private static LoadShardResult Shard(string shard, IReadOnlyList<LoadSample> samples) =>
        new() { Shard = shard, Connects = [], Samples = samples, ResourceSource = "server /metrics" };

    private static LoadResult Result(long originMs, IReadOnlyList<HistoryEvent> events, IReadOnlyList<LoadSample> samples, IReadOnlyList<ConnectRecord>? connects = null) => new()
    {
        History = new RecordedHistory(events),
        Plan = LoadRunner.PlanFor(LoadSettings.Resolve(ScenarioLoader.Parse(TinyScenario).Scenario, seed: 1)),
        OriginMs = originMs,
        Connects = connects ?? [],
        Samples = samples,
        ResourceSource = "server /metrics",
    };
}
