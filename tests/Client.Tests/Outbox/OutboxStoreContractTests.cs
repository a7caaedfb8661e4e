using ChatResilience.Client.Outbox;

namespace ChatResilience.Client.Tests.Outbox;

/// <summary>One contract, run against every <see cref="IOutboxStore"/> (STYLE.md habit 12).</summary>
public abstract class OutboxStoreContractTests : IAsyncLifetime
{
    private IOutboxStore? _store;

    protected IOutboxStore Store => _store!;

    public async Task InitializeAsync() => _store = await CreateAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Cleanup();
    }

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<IOutboxStore> CreateAsync();

    /// <summary>What a restarted process sees: the same data, a new instance where the store is durable.</summary>
    protected abstract Task<IOutboxStore> RestartAsync(IOutboxStore current);

    protected virtual void Cleanup()
    {
    }

    private static OutboxDraft Draft(string id, string room = "r", IReadOnlyDictionary<string, string>? meta = null) => new(id, room, "body " + id, meta, 1_700_000_000_000, 3);

    [Fact]
    public async Task Append_AssignsContiguousSeqsFromOne()
    {
        var a = await Store.AppendAsync(Draft("a"), 10);
        var b = await Store.AppendAsync(Draft("b"), 10);
        Assert.Equal(1, a.Seq);
        Assert.Equal(2, b.Seq);
        Assert.Equal(2, Store.Count);
    }

    [Fact]
    public async Task Append_AtCapacity_RefusesAndDropsNothing()
    {
        await Store.AppendAsync(Draft("a"), 2);
        await Store.AppendAsync(Draft("b"), 2);
        var e = await Assert.ThrowsAsync<OutboxFullException>(async () => await Store.AppendAsync(Draft("c"), 2));
        Assert.Equal(2, e.Capacity);
        var snapshot = await Store.LoadAsync();
        Assert.Equal(["a", "b"], snapshot.Entries.Select(x => x.Id));
    }

    [Fact]
    public async Task Settle_RemovesEntryAndFreesCapacity()
    {
        await Store.AppendAsync(Draft("a"), 1);
        await Store.SettleAsync(1);
        var b = await Store.AppendAsync(Draft("b"), 1);
        Assert.Equal(2, b.Seq);
        Assert.Equal(["b"], (await Store.LoadAsync()).Entries.Select(x => x.Id));
    }

    [Fact]
    public async Task Settle_UnknownSeq_IsIgnored()
    {
        await Store.AppendAsync(Draft("a"), 10);
        await Store.SettleAsync(99);
        Assert.Equal(1, Store.Count);
    }

    [Fact]
    public async Task Restart_ReplaysUnsettledInOrderWithOriginalIdsAndFields()
    {
        var meta = new Dictionary<string, string> { ["k"] = "v" };
        await Store.AppendAsync(Draft("a"), 10);
        await Store.AppendAsync(Draft("b", "other", meta), 10);
        await Store.AppendAsync(Draft("c"), 10);
        await Store.SettleAsync(1);
        _store = await RestartAsync(Store);
        var snapshot = await Store.LoadAsync();
        Assert.Equal([2L, 3L], snapshot.Entries.Select(x => x.Seq));
        Assert.Equal(["b", "c"], snapshot.Entries.Select(x => x.Id));
        var b = snapshot.Entries[0];
        Assert.Equal("other", b.Room);
        Assert.Equal("body b", b.Body);
        Assert.Equal("v", b.Meta!["k"]);
        Assert.Equal(1_700_000_000_000, b.CreatedAtMs);
        Assert.Equal(3, b.Basis);
        Assert.Equal(4, snapshot.NextSeq);
    }

    [Fact]
    public async Task Restart_AfterEverythingSettled_NeverReusesASeq()
    {
        await Store.AppendAsync(Draft("a"), 10);
        await Store.AppendAsync(Draft("b"), 10);
        await Store.SettleAsync(1);
        await Store.SettleAsync(2);
        _store = await RestartAsync(Store);
        Assert.Equal(3, (await Store.LoadAsync()).NextSeq);
        Assert.Equal(3, (await Store.AppendAsync(Draft("c"), 10)).Seq);
    }

    [Fact]
    public async Task Cursors_AreSavedReplacedAndRemovedDurably()
    {
        await Store.SaveCursorAsync(new RoomCursorState("r1", 1, 5));
        await Store.SaveCursorAsync(new RoomCursorState("r2", 2, 7));
        await Store.SaveCursorAsync(new RoomCursorState("r1", 1, 9));
        await Store.RemoveCursorAsync("r2");
        _store = await RestartAsync(Store);
        var cursors = (await Store.LoadAsync()).Cursors;
        Assert.Equal([new RoomCursorState("r1", 1, 9)], cursors);
    }

    [Fact]
    public async Task Append_Concurrent_GetsUniqueContiguousSeqs()
    {
        var tasks = Enumerable.Range(0, 500).Select(i => Store.AppendAsync(Draft("m" + i), 10_000).AsTask()).ToList();
        var entries = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), entries.Select(e => e.Seq).Order());
        var snapshot = await Store.LoadAsync();
        Assert.Equal(500, snapshot.Entries.Count);
        Assert.Equal(snapshot.Entries.Select(e => e.Seq).Order(), snapshot.Entries.Select(e => e.Seq));
    }
}

public sealed class InMemoryOutboxStoreTests : OutboxStoreContractTests
{
    protected override Task<IOutboxStore> CreateAsync() => Task.FromResult<IOutboxStore>(new InMemoryOutboxStore());

    // The in-memory store survives a "restart" by being kept: the simulator reuses the instance.
    protected override Task<IOutboxStore> RestartAsync(IOutboxStore current) => Task.FromResult(current);
}

public sealed class SqliteOutboxStoreTests : OutboxStoreContractTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"outbox-{Guid.NewGuid():N}.db");

    protected override Task<IOutboxStore> CreateAsync() => Task.FromResult<IOutboxStore>(SqliteOutboxStore.Open(new SqliteOutboxOptions { Path = _path }));

    protected override async Task<IOutboxStore> RestartAsync(IOutboxStore current)
    {
        await current.DisposeAsync();
        return SqliteOutboxStore.Open(new SqliteOutboxOptions { Path = _path });
    }

    protected override void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Fact]
    public async Task Open_UsesWriteAheadLog()
    {
        await Store.AppendAsync(new OutboxDraft("a", "r", "b", null, 0, 0), 10);
        await using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Pooling=False");
        await check.OpenAsync();
        await using var command = check.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public void Open_BadOptions_ListsTheProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => SqliteOutboxStore.Open(new SqliteOutboxOptions { Path = " ", MaxBatch = 0 }));
        Assert.Contains("Path", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBatch", e.Message, StringComparison.Ordinal);
    }
}
