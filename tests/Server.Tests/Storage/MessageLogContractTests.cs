using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Tests.Storage;

/// <summary>The contract every <see cref="IMessageLog"/> keeps; run against each implementation.</summary>
public abstract class MessageLogContractTests : IAsyncLifetime
{
    private IMessageLog? _log;

    protected IMessageLog Log => _log!;

    protected abstract IMessageLog Create();

    /// <summary>A second instance over the same storage (durable logs only).</summary>
    protected virtual IMessageLog? Reopen() => null;

    public Task InitializeAsync()
    {
        _log = Create();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await Log.DisposeAsync();

    protected static StoredMessage Msg(string room, long clientSeq, long at = 1000, string client = "c1", long? answerFor = null) => new()
    {
        Room = room, Id = $"{client}-{clientSeq}", From = "u1", ClientId = client, ClientSeq = clientSeq, Body = "b" + clientSeq, SentAt = at, At = at,
        Meta = new Dictionary<string, string> { ["k"] = "v" }, AnswerFor = answerFor,
    };

    [Fact]
    public async Task Append_AssignsContiguousSeqs_InCallOrder_CallbacksInOrder()
    {
        await Log.EnsureRoomAsync("r");
        var seen = new List<long>();
        var tasks = Enumerable.Range(1, 100).Select(i => Log.AppendAsync(Msg("r", i), "u1", m => seen.Add(m.Seq)).AsTask()).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), results.Select(r => r.Message.Seq));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), seen);
        var info = await Log.GetRoomAsync("r");
        Assert.Equal((1L, 100L, 1L, false), (info!.Epoch, info.Head, info.FirstSeq, info.Deleted));
    }

    [Fact]
    public async Task Read_ReturnsRangeWithAllFields()
    {
        await Log.EnsureRoomAsync("r");
        for (var i = 1; i <= 5; i++)
        {
            await Log.AppendAsync(Msg("r", i), "u1");
        }

        var page = await Log.ReadAsync("r", 2, 2);
        Assert.Equal([3L, 4L], page.Select(m => m.Seq));
        var m = page[0];
        Assert.Equal(("c1-3", "u1", "c1", 3L, "b3", "v"), (m.Id, m.From, m.ClientId, m.ClientSeq, m.Body, m.Meta!["k"]));
        Assert.Empty(await Log.ReadAsync("r", 5, 10));
        Assert.Empty(await Log.ReadAsync("nope", 0, 10));
    }

    [Fact]
    public async Task EveryField_RoundTrips_IncludingEmptyAndNonAsciiText()
    {
        await Log.EnsureRoomAsync("r");
        var plain = new StoredMessage { Room = "r", Id = "e-1", From = "u1", ClientId = "c1", ClientSeq = 1, Body = "", SentAt = 5, Basis = 2, At = 7 };
        var rich = new StoredMessage
        {
            Room = "r", Id = "e-2", From = "u1", ClientId = "c1", ClientSeq = 2, Body = "grüße 👋 \"q\" \\ \n <b>", SentAt = 6, Basis = 1, At = 8,
            Meta = new Dictionary<string, string> { ["lang"] = "de", ["ключ"] = "значение" },
        };
        await Log.AppendAsync(plain, "u1");
        await Log.AppendAsync(rich, "u1");

        var page = await Log.ReadAsync("r", 0, 10);
        Assert.Equal(plain with { Epoch = 1, Seq = 1 }, page[0]);
        Assert.Equal(rich with { Epoch = 1, Seq = 2, Meta = null }, page[1] with { Meta = null });
        Assert.Equal(rich.Meta, page[1].Meta);
    }

    [Fact]
    public async Task Append_ToMissingOrDeletedRoom_Throws()
    {
        await Assert.ThrowsAsync<RoomUnavailableException>(async () => await Log.AppendAsync(Msg("none", 1), "u1"));
        await Log.EnsureRoomAsync("r");
        await Log.DeleteRoomAsync("r");
        await Assert.ThrowsAsync<RoomUnavailableException>(async () => await Log.AppendAsync(Msg("r", 1), "u1"));
    }

    [Fact]
    public async Task Delete_ThenEnsure_StartsNextEpochEmpty()
    {
        await Log.EnsureRoomAsync("r");
        await Log.AppendAsync(Msg("r", 1), "u1");
        await Log.SetMembershipAsync("r", "u1", MembershipState.Member);
        var deleted = await Log.DeleteRoomAsync("r");
        Assert.True(deleted!.Deleted);
        Assert.Null(await Log.DeleteRoomAsync("r"));
        Assert.DoesNotContain("r", await Log.ListRoomsAsync());
        var again = await Log.EnsureRoomAsync("r");
        Assert.Equal((2L, 0L, false), (again.Epoch, again.Head, again.Deleted));
        Assert.Equal(MembershipState.None, await Log.GetMembershipAsync("r", "u1"));
        Assert.Equal(1, (await Log.AppendAsync(Msg("r", 2), "u1")).Message.Seq);
    }

    [Fact]
    public async Task Append_WithSender_RecordsAckOutcomeAndMark()
    {
        await Log.EnsureRoomAsync("r");
        await Log.AppendAsync(Msg("r", 7), "u1");
        var o = await Log.GetOutcomeAsync("u1", "c1", 7);
        Assert.Equal(("c1-7", "r", 1L, true), (o!.Id, o.Room, o.RoomSeq!.Value, o.IsAck));
        Assert.Equal(7, await Log.GetClientMarkAsync("u1", "c1"));
        Assert.Null(await Log.GetClientMarkAsync("u1", "other"));
    }

    [Fact]
    public async Task PipelinedAppends_OfSeveralClients_EachMarkIsItsHighestSeq_AlsoAfterReopen()
    {
        // Issued without awaiting, so a group-committing log settles them in few batches (marks written once per batch).
        await Log.EnsureRoomAsync("r");
        var appends = Enumerable.Range(1, 40)
            .SelectMany(i => new[] { Log.AppendAsync(Msg("r", i, client: "a"), "u1").AsTask(), Log.AppendAsync(Msg("r", i * 2, client: "b"), "u2").AsTask() })
            .ToList();
        await Task.WhenAll(appends);
        await Log.RecordOutcomeAsync(new SettlementOutcome { UserId = "u2", ClientId = "b", Seq = 81, Id = "x", Room = "r", NackCode = "forbidden", NackReason = "no", At = 1 });
        Assert.Equal((40L, 81L), (await Log.GetClientMarkAsync("u1", "a"), await Log.GetClientMarkAsync("u2", "b")));

        var reopened = Reopen();
        if (reopened is null)
        {
            return;
        }

        await Log.DisposeAsync();
        await using (reopened)
        {
            Assert.Equal((40L, 81L), (await reopened.GetClientMarkAsync("u1", "a"), await reopened.GetClientMarkAsync("u2", "b")));
        }
    }

    [Fact]
    public async Task RecordOutcome_FinalNack_AdvancesMark_TrimByAgeKeepsMark()
    {
        await Log.RecordOutcomeAsync(new SettlementOutcome { UserId = "u", ClientId = "c", Seq = 3, Id = "x", Room = "r", NackCode = "forbidden", NackReason = "no", At = 100 });
        var o = await Log.GetOutcomeAsync("u", "c", 3);
        Assert.Equal(("forbidden", "no", false), (o!.NackCode, o.NackReason, o.IsAck));
        Assert.Equal(3, await Log.GetClientMarkAsync("u", "c"));
        Assert.Equal(1, await Log.TrimOutcomesAsync(101));
        Assert.Null(await Log.GetOutcomeAsync("u", "c", 3));
        Assert.Equal(3, await Log.GetClientMarkAsync("u", "c"));
    }

    [Fact]
    public async Task Outcomes_SparseOutOfOrderAndAcrossChunkBoundaries_EachAnswered_MarkIsHighest()
    {
        await Log.EnsureRoomAsync("r");
        long[] seqs = [1, 2000, 5, 1023, 1024, 3_000_000_000];
        foreach (var seq in seqs)
        {
            await Log.AppendAsync(Msg("r", seq), "u1");
        }

        await Log.RecordOutcomeAsync(new SettlementOutcome { UserId = "u1", ClientId = "c1", Seq = 4, Id = "x", Room = "r", NackCode = "forbidden", NackReason = "no", At = 1 });
        for (var i = 0; i < seqs.Length; i++)
        {
            var o = await Log.GetOutcomeAsync("u1", "c1", seqs[i]);
            Assert.Equal(($"c1-{seqs[i]}", i + 1L), (o!.Id, o.RoomSeq!.Value));
        }

        Assert.Equal("forbidden", (await Log.GetOutcomeAsync("u1", "c1", 4))!.NackCode);
        foreach (var never in new long[] { 2, 3, 6, 1022, 1025, 1999, 2_999_999_999 })
        {
            Assert.Null(await Log.GetOutcomeAsync("u1", "c1", never));
        }

        Assert.Equal(3_000_000_000, await Log.GetClientMarkAsync("u1", "c1"));
    }

    [Fact]
    public async Task Trim_ByCountAndAge_NeverPastProtection()
    {
        await Log.EnsureRoomAsync("r");
        for (var i = 1; i <= 10; i++)
        {
            await Log.AppendAsync(Msg("r", i, at: i * 100), "u1");
        }

        Assert.Equal(4, await Log.TrimAsync("r", new RetentionCut(100, 350, long.MaxValue))); // age: at < 350 → seqs 1..3
        Assert.Equal(4, await Log.TrimAsync("r", new RetentionCut(2, 0, 4))); // count wants 1..8, protection stops at 4
        Assert.Equal(9, await Log.TrimAsync("r", new RetentionCut(2, 0, long.MaxValue)));
        Assert.Equal([9L, 10L], (await Log.ReadAsync("r", 0, 100)).Select(m => m.Seq));
        Assert.Equal(9, (await Log.GetRoomAsync("r"))!.FirstSeq);
    }

    [Fact]
    public async Task Trim_RemovesOnlyTheOldestRun_AgeContinuesPastTheCountCut()
    {
        await Log.EnsureRoomAsync("r");
        // Acceptance times out of seq order (sessions stamp them before the log orders their appends).
        long[] ats = [100, 500, 200, 600, 150, 700, 800];
        for (var i = 0; i < ats.Length; i++)
        {
            await Log.AppendAsync(Msg("r", i + 1, at: ats[i]), "u1");
        }

        // seq 3 and 5 are older than the cut but follow a younger message: a room is trimmed from its start only.
        Assert.Equal(2, await Log.TrimAsync("r", new RetentionCut(100, 300, long.MaxValue)));
        // The count cut takes 2..3; the age cut goes on through 4 and 5 (older than 650) and stops at 6.
        Assert.Equal(6, await Log.TrimAsync("r", new RetentionCut(4, 650, long.MaxValue)));
        Assert.Equal([6L, 7L], (await Log.ReadAsync("r", 0, 100)).Select(m => m.Seq));
    }

    [Fact]
    public async Task Memberships_ReadMarkers_RoundTrip()
    {
        await Log.EnsureRoomAsync("r");
        await Log.SetMembershipAsync("r", "a", MembershipState.Member);
        await Log.SetMembershipAsync("r", "b", MembershipState.Member);
        await Log.SetMembershipAsync("r", "b", MembershipState.Removed);
        Assert.Equal(["a"], await Log.GetMembersAsync("r"));
        Assert.Equal(MembershipState.Removed, await Log.GetMembershipAsync("r", "b"));
        await Log.SetReadMarkerAsync("r", "a", 5);
        await Log.SetReadMarkerAsync("r", "a", 3);
        Assert.Equal(5, await Log.GetReadMarkerAsync("r", "a"));
        Assert.Null(await Log.GetReadMarkerAsync("r", "b"));
    }

    [Fact]
    public async Task Answers_DedupByTrigger_UnansweredListed()
    {
        await Log.EnsureRoomAsync("assistant-1");
        await Log.AppendAsync(Msg("assistant-1", 1), "u1");
        await Log.AppendAsync(Msg("assistant-1", 2), "u1");
        var answer = Msg("assistant-1", 1, client: "bot", answerFor: 1) with { From = "assistant" };
        var first = await Log.AppendAsync(answer, null);
        var second = await Log.AppendAsync(answer with { Body = "other" }, null);
        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.Message.Seq, second.Message.Seq);
        Assert.Equal([2L], (await Log.GetUnansweredAsync("assistant-1", "assistant")).Select(m => m.Seq));
    }

    [Fact]
    public async Task AckOutcome_OutlivesItsMessage_TrimmedOrRoomDeleted()
    {
        await Log.EnsureRoomAsync("r");
        for (var i = 1; i <= 5; i++)
        {
            await Log.AppendAsync(Msg("r", i), "u1");
        }

        Assert.Equal(4, await Log.TrimAsync("r", new RetentionCut(MaxMessages: 2, MinAtMs: 0, ProtectFromSeq: long.MaxValue)));
        var trimmed = await Log.GetOutcomeAsync("u1", "c1", 1);
        Assert.Equal(("c1-1", "r", 1L, true), (trimmed!.Id, trimmed.Room, trimmed.RoomSeq!.Value, trimmed.IsAck));

        await Log.DeleteRoomAsync("r");
        var deleted = await Log.GetOutcomeAsync("u1", "c1", 5);
        Assert.Equal(("c1-5", "r", 5L, true), (deleted!.Id, deleted.Room, deleted.RoomSeq!.Value, deleted.IsAck));
        Assert.Equal(5, await Log.GetClientMarkAsync("u1", "c1"));
    }

    [Fact]
    public async Task Mark_OutlivesTrimmedMessagesAndOutcomes_AlsoAfterReopen()
    {
        await Log.EnsureRoomAsync("r");
        for (var i = 1; i <= 3; i++)
        {
            await Log.AppendAsync(Msg("r", i, at: 100), "u1");
        }

        await Log.TrimAsync("r", new RetentionCut(MaxMessages: 100, MinAtMs: 200, ProtectFromSeq: long.MaxValue));
        Assert.Equal(3, await Log.TrimOutcomesAsync(200));
        Assert.Null(await Log.GetOutcomeAsync("u1", "c1", 3));
        Assert.Equal(3, await Log.GetClientMarkAsync("u1", "c1"));
        var reopened = Reopen();
        if (reopened is null)
        {
            return;
        }

        await Log.DisposeAsync();
        await using (reopened)
        {
            Assert.Equal(3, await reopened.GetClientMarkAsync("u1", "c1"));
            Assert.Equal((3L, 4L), ((await reopened.GetRoomAsync("r"))!.Head, (await reopened.GetRoomAsync("r"))!.FirstSeq));
        }
    }

    [Fact]
    public async Task Reopen_RoomHeadFollowsItsMessages_NextAppendContinues()
    {
        await Log.EnsureRoomAsync("r");
        for (var i = 1; i <= 3; i++)
        {
            await Log.AppendAsync(Msg("r", i), "u1");
        }

        var reopened = Reopen();
        if (reopened is null)
        {
            return;
        }

        await Log.DisposeAsync();
        await using (reopened)
        {
            Assert.Equal((3L, 1L), ((await reopened.GetRoomAsync("r"))!.Head, (await reopened.GetRoomAsync("r"))!.FirstSeq));
            Assert.Equal(4, (await reopened.AppendAsync(Msg("r", 4), "u1")).Message.Seq);
            var o = await reopened.GetOutcomeAsync("u1", "c1", 2);
            Assert.Equal(("c1-2", 2L), (o!.Id, o.RoomSeq!.Value));
        }
    }

    [Fact]
    public async Task Reopen_KeepsEverythingCommitted()
    {
        await Log.EnsureRoomAsync("r");
        await Log.AppendAsync(Msg("r", 1), "u1");
        await Log.SetMembershipAsync("r", "u1", MembershipState.Member);
        var reopened = Reopen();
        if (reopened is null)
        {
            return; // in-memory: nothing survives by design
        }

        await Log.DisposeAsync();
        await using (reopened)
        {
            Assert.Equal(1, (await reopened.GetRoomAsync("r"))!.Head);
            Assert.Equal("b1", Assert.Single(await reopened.ReadAsync("r", 0, 10)).Body);
            Assert.Equal(1, await reopened.GetClientMarkAsync("u1", "c1"));
            Assert.Equal(MembershipState.Member, await reopened.GetMembershipAsync("r", "u1"));
        }
    }
}

public sealed class InMemoryMessageLogTests : MessageLogContractTests
{
    protected override IMessageLog Create() => new InMemoryMessageLog();
}

/// <summary>The contract on SQLite with the default journal: these tests' appends stay in the journal (the in-memory tail) until reopen.</summary>
public class SqliteMessageLogTests : MessageLogContractTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"chat-log-{Guid.NewGuid():N}.db");

    /// <summary>Journal rows gathered before the writer indexes them.</summary>
    protected virtual int IndexBatch => SqliteMessageLog.DefaultIndexBatch;

    /// <summary>Tail rows per room and client gathered before indexing, when more than <see cref="IndexBatch"/>.</summary>
    protected virtual int IndexRowsPerKey => SqliteMessageLog.DefaultIndexRowsPerKey;

    /// <summary>Index entries per slice of an index batch, at least.</summary>
    protected virtual int MinIndexSliceEntries => SqliteMessageLog.DefaultMinIndexSliceEntries;

    /// <summary>Dead journal rows deleted per chunk, once that many wait.</summary>
    protected virtual int DeadRowsChunk => SqliteMessageLog.DefaultDeadRowsChunk;

    protected override IMessageLog Create() => Open();

    protected override IMessageLog? Reopen() => Open();

    private SqliteMessageLog Open()
    {
        var log = SqliteMessageLog.Open(_path, indexBatch: IndexBatch, indexRowsPerKey: IndexRowsPerKey);
        log.MinIndexSliceEntries = MinIndexSliceEntries;
        log.DeadRowsChunk = DeadRowsChunk;
        return log;
    }

    [Fact]
    public async Task Open_FileOfTheOlderSchema_KeepsItsMarksAndOutcomes_AddsTheAckColumn()
    {
        // A file written before acks moved into the message row: acks in outcomes, marks in marks.
        var old = Path.Combine(Path.GetTempPath(), $"chat-log-old-{Guid.NewGuid():N}.db");
        try
        {
            using (var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + old + ";Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    CREATE TABLE rooms(name TEXT PRIMARY KEY, epoch INTEGER NOT NULL, head INTEGER NOT NULL, first_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE messages(room TEXT NOT NULL, seq INTEGER NOT NULL, epoch INTEGER NOT NULL, id TEXT NOT NULL, sender TEXT NOT NULL,
                        client_id TEXT NOT NULL, client_seq INTEGER NOT NULL, body TEXT NOT NULL, sent_at INTEGER NOT NULL, basis INTEGER NOT NULL, at INTEGER NOT NULL,
                        meta TEXT NULL, answer_for INTEGER NULL, PRIMARY KEY(room, seq)) WITHOUT ROWID;
                    CREATE TABLE outcomes(user_id TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, room TEXT NOT NULL,
                        room_seq INTEGER NULL, nack_code TEXT NULL, nack_reason TEXT NULL, at INTEGER NOT NULL, PRIMARY KEY(user_id, client_id, seq)) WITHOUT ROWID;
                    CREATE TABLE marks(user_id TEXT NOT NULL, client_id TEXT NOT NULL, mark INTEGER NOT NULL, PRIMARY KEY(user_id, client_id)) WITHOUT ROWID;
                    INSERT INTO rooms VALUES('r', 1, 1, 1, 0);
                    INSERT INTO messages VALUES('r', 1, 1, 'c1-1', 'u1', 'c1', 1, 'b1', 1000, 0, 1000, NULL, NULL);
                    INSERT INTO outcomes VALUES('u1', 'c1', 1, 'c1-1', 'r', 1, NULL, NULL, 1000);
                    INSERT INTO marks VALUES('u1', 'c1', 1);
                    """;
                cmd.ExecuteNonQuery();
            }

            await using var log = SqliteMessageLog.Open(old);
            Assert.Equal(1, await log.GetClientMarkAsync("u1", "c1"));
            Assert.Equal(1, (await log.GetOutcomeAsync("u1", "c1", 1))!.RoomSeq);
            Assert.Equal(2, (await log.AppendAsync(Msg("r", 2), "u1")).Message.Seq);
            Assert.Equal(2, (await log.GetOutcomeAsync("u1", "c1", 2))!.RoomSeq);
            Assert.Equal(2, await log.GetClientMarkAsync("u1", "c1"));
        }
        finally
        {
            foreach (var f in new[] { old, old + "-wal", old + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(f);
        }
    }
}

/// <summary>The contract with the journal indexed after every commit: every read comes from the indexed table.</summary>
public sealed class SqliteMessageLogIndexedEveryCommitTests : SqliteMessageLogTests
{
    protected override int IndexBatch => 1;

    protected override int IndexRowsPerKey => 0;
}

/// <summary>The contract with the journal indexed every few rows: reads mix the indexed table and the tail.</summary>
public sealed class SqliteMessageLogIndexedEveryThreeRowsTests : SqliteMessageLogTests
{
    protected override int IndexBatch => 3;

    protected override int IndexRowsPerKey => 0;
}

/// <summary>The contract with an index batch that grows with the rooms and clients in the tail (2 rows each, at least 2).</summary>
public sealed class SqliteMessageLogIndexBatchGrowingWithKeysTests : SqliteMessageLogTests
{
    protected override int IndexBatch => 2;

    protected override int IndexRowsPerKey => 2;
}

/// <summary>The contract with every index batch written in slices of two entries: reads meet batches indexed partway.</summary>
public sealed class SqliteMessageLogIndexedInSlicesTests : SqliteMessageLogTests
{
    protected override int IndexBatch => 8;

    protected override int IndexRowsPerKey => 0;

    protected override int MinIndexSliceEntries => 1;
}

/// <summary>The contract with every dead journal row deleted as soon as it dies: trims and deletions end with the rows gone.</summary>
public sealed class SqliteMessageLogDeletingDeadRowsAtOnceTests : SqliteMessageLogTests
{
    protected override int DeadRowsChunk => 1;
}
