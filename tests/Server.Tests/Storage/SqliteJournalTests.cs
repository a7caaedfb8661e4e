using ChatResilience.Server.Storage;
using Microsoft.Data.Sqlite;

namespace ChatResilience.Server.Tests.Storage;

/// <summary>
/// The SQLite log's journal layout: appends land in the journal, the writer indexes them in batches, and readers see
/// one log throughout — while rows are indexed, while retention trims, and across a crash.
/// </summary>
public sealed class SqliteJournalTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"chat-journal-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Appends_WaitUnindexed_UntilTheIndexBatchGathers_ThenAreIndexed()
    {
        await using var log = SqliteMessageLog.Open(_path, indexBatch: 10, indexRowsPerKey: 0);
        await log.EnsureRoomAsync("r");
        for (var i = 1; i <= 9; i++)
        {
            await log.AppendAsync(Msg("r", i), "u1");
        }

        await Barrier(log);
        Assert.Equal((9L, 0L), Rows());

        await log.AppendAsync(Msg("r", 10), "u1");
        await Barrier(log);
        Assert.Equal((0L, 10L), Rows());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), (await log.ReadAsync("r", 0, 100)).Select(m => m.Seq));
    }

    [Fact]
    public async Task IndexBatch_GrowsWithTheRoomsAndClientsInTheTail_UpToItsCap()
    {
        // At least 4 rows, else 2 per room and client in the tail, at most 16 x 4 = 64.
        await using var log = SqliteMessageLog.Open(_path, indexBatch: 4, indexRowsPerKey: 2);
        for (var r = 1; r <= 3; r++)
        {
            await log.EnsureRoomAsync($"r{r}");
        }

        // Three rooms, each with its own client: 6 keys, so 12 rows gather before indexing (4 would have).
        for (var i = 1; i <= 11; i++)
        {
            await log.AppendAsync(Msg($"r{(i % 3) + 1}", i, client: $"c{(i % 3) + 1}"), "u1");
        }

        await Barrier(log);
        Assert.Equal((11L, 0L), Rows());
        await log.AppendAsync(Msg("r1", 12, client: "c1"), "u1");
        await Barrier(log);
        Assert.Equal((0L, 12L), Rows());

        // 40 rooms and clients: 160 rows by the keys, capped at 64.
        for (var r = 4; r <= 40; r++)
        {
            await log.EnsureRoomAsync($"r{r}");
        }

        for (var i = 1; i <= 63; i++)
        {
            await log.AppendAsync(Msg($"r{(i % 40) + 1}", 100 + i, client: $"c{(i % 40) + 1}"), "u1");
        }

        await Barrier(log);
        Assert.Equal((63L, 12L), Rows());
        await log.AppendAsync(Msg("r1", 200, client: "c1"), "u1");
        await Barrier(log);
        Assert.Equal((0L, 76L), Rows());
        Assert.Equal(12 + 64, (await Task.WhenAll(Enumerable.Range(1, 40).Select(r => log.ReadAsync($"r{r}", 0, 100).AsTask()))).Sum(rows => rows.Count));
    }

    [Fact]
    public async Task FailedIndexing_KeepsTheRowsReadable_ReportsIt_RetriesAfterAnotherBatch()
    {
        await using var log = SqliteMessageLog.Open(_path, indexBatch: 3, indexRowsPerKey: 0);
        var failures = new List<Exception>();
        log.IndexFailed = e => failures.Add(e);
        await log.EnsureRoomAsync("r");
        await log.EnsureRoomAsync("q");

        // A trigger refuses room q's index entries, so indexing the batch that holds (q, 1) fails.
        Exec("CREATE TRIGGER refuse_q BEFORE INSERT ON room_index WHEN NEW.room='q' BEGIN SELECT RAISE(ABORT, 'refused'); END");
        await log.AppendAsync(Msg("r", 1), "u1");
        await log.AppendAsync(Msg("r", 2), "u1");
        await log.AppendAsync(Msg("q", 1, client: "c2"), "u1");
        await Barrier(log);
        Assert.Single(failures);
        Assert.Equal((3L, 0L), Rows());
        Assert.Equal(["b1", "b2"], (await log.ReadAsync("r", 0, 10)).Select(m => m.Body));
        Assert.Equal((2L, 2L), (await log.GetClientMarkAsync("u1", "c1"), (await log.GetOutcomeAsync("u1", "c1", 2))!.RoomSeq!.Value));

        // Not retried after every commit: only once another index batch has gathered.
        Exec("DROP TRIGGER refuse_q");
        await log.AppendAsync(Msg("r", 3), "u1");
        await log.AppendAsync(Msg("r", 4), "u1");
        await Barrier(log);
        Assert.Equal((5L, 0L), Rows());
        await log.AppendAsync(Msg("r", 5), "u1");
        await Barrier(log);
        Assert.Single(failures);
        Assert.Equal((0L, 6L), Rows());
        Assert.Equal(Enumerable.Range(1, 5).Select(i => "b" + i), (await log.ReadAsync("r", 0, 10)).Select(m => m.Body));
        Assert.Equal("b1", Assert.Single(await log.ReadAsync("q", 0, 10)).Body);
    }

    [Fact]
    public async Task IndexBatch_IsWrittenInSlices_ReadsSeeEachRowOnce_AndAppendsCommitBetweenSlices()
    {
        var pause = await PausedAfterFirstSliceAsync();
        await using var log = pause.Log;

        // One slice in: room a's first three entries are indexed, the mark has not moved, the tail still holds all 12.
        Assert.Equal((12L, 3L), Rows());
        foreach (var room in Rooms)
        {
            Assert.Equal([1L, 2L, 3L, 4L], (await log.ReadAsync(room, 0, 100)).Select(m => m.Seq));
            Assert.Equal([1L, 2L, 3L, 4L], (await log.GetUnansweredAsync(room, "assistant")).Select(m => m.Seq));
            Assert.Equal(4, await log.GetClientMarkAsync("u1", "c-" + room));
            Assert.Equal(2, (await log.GetOutcomeAsync("u1", "c-" + room, 2))!.RoomSeq);
        }

        // An append queued now commits before the next slice. Its commit callback runs on the writer thread, as the
        // slice hook does; the awaited task completes later on the thread pool, so it cannot tell the order.
        var committed = false;
        bool? committedBeforeSecondSlice = null;
        var lastSlice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var append = log.AppendAsync(Msg("a", 5, client: "c-a"), "u1", onCommitted: _ => committed = true).AsTask();
        pause.OnSlice = n =>
        {
            if (n == 2)
            {
                committedBeforeSecondSlice = committed;
            }
            else if (n == 8)
            {
                lastSlice.SetResult(); // 24 entries, 3 per slice
            }
        };
        pause.Release.Release();
        await append;
        await lastSlice.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Barrier(log);
        Assert.True(committedBeforeSecondSlice);
        Assert.Equal(8, pause.Slices);
        Assert.Equal((1L, 12L), Rows()); // a5 waits for the next batch
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await log.ReadAsync("a", 0, 100)).Select(m => m.Seq));
        Assert.Equal(0L, DanglingEntries());
    }

    [Fact]
    public async Task Restart_MidwayThroughAnIndexBatch_IndexesWhatIsLeft_AndNothingTwice()
    {
        var pause = await PausedAfterFirstSliceAsync();
        var first = pause.Log;

        // Opened while the first instance is stopped after one slice: it indexes the batch from the unmoved mark again.
        await using (var reopened = SqliteMessageLog.Open(_path))
        {
            Assert.Equal((0L, 12L), Rows());
            Assert.Equal(12L, Count("ack_index"));
            foreach (var room in Rooms)
            {
                Assert.Equal([1L, 2L, 3L, 4L], (await reopened.ReadAsync(room, 0, 100)).Select(m => m.Seq));
            }
        }

        // And the first instance's remaining slices find the entries there.
        pause.Release.Release();
        await first.DisposeAsync();
        Assert.Equal((0L, 12L), Rows());
        Assert.Equal(12L, Count("ack_index"));
        Assert.Equal(0L, DanglingEntries());
    }

    [Fact]
    public async Task Trim_MidwayThroughAnIndexBatch_EndsIt_NoEntryOutlivesItsRow()
    {
        var pause = await PausedAfterFirstSliceAsync();
        await using var log = pause.Log;

        // Room b's rows are not indexed yet; the trim indexes the whole journal first, then removes b1-b3. Slices
        // going on from the batch copied before the trim would index those rows again after they are gone.
        var trim = log.TrimAsync("b", new RetentionCut(MaxMessages: 1, MinAtMs: 0, ProtectFromSeq: long.MaxValue)).AsTask();
        pause.Release.Release();
        Assert.Equal(4, await trim);
        await Barrier(log);
        Assert.Equal(1, pause.Slices);
        Assert.Equal(0L, DanglingEntries());
        Assert.Equal((0L, 9L), Rows());
        Assert.Equal([4L], (await log.ReadAsync("b", 0, 100)).Select(m => m.Seq));
        Assert.Equal([1L, 2L, 3L, 4L], (await log.ReadAsync("c", 0, 100)).Select(m => m.Seq));
    }

    [Fact]
    public async Task Crash_WithRowsOnlyInTheJournal_NextOpenIndexesThemBeforeServing()
    {
        // The first instance is never disposed: like a killed process, its in-memory tail is simply gone.
        var crashed = SqliteMessageLog.Open(_path);
        await crashed.EnsureRoomAsync("r");
        for (var i = 1; i <= 5; i++)
        {
            await crashed.AppendAsync(Msg("r", i), "u1");
        }

        Assert.Equal((5L, 0L), Rows());
        await using (var reopened = SqliteMessageLog.Open(_path))
        {
            Assert.Equal((0L, 5L), Rows());
            Assert.Equal(5, (await reopened.GetRoomAsync("r"))!.Head);
            Assert.Equal(5, await reopened.GetClientMarkAsync("u1", "c1"));
            Assert.Equal(3, (await reopened.GetOutcomeAsync("u1", "c1", 3))!.RoomSeq);
            Assert.Equal(6, (await reopened.AppendAsync(Msg("r", 6), "u1")).Message.Seq);
        }

        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task RowsRemovedAtTheJournalsEnd_TheNextPositionsStillFollowTheIndexedMark()
    {
        // Room b's rows are the journal's last (positions 2, 3); deleting b leaves the last row at 1 and the mark at 3.
        // Positions reused from 2 would count as indexed already: never indexed, a2 would vanish from reads.
        await using (var log = SqliteMessageLog.Open(_path, indexBatch: 1, indexRowsPerKey: 0))
        {
            await log.EnsureRoomAsync("a");
            await log.EnsureRoomAsync("b");
            await log.AppendAsync(Msg("a", 1), "u1");
            await log.AppendAsync(Msg("b", 1, client: "c2"), "u1");
            await log.AppendAsync(Msg("b", 2, client: "c2"), "u1");
            await log.DeleteRoomAsync("b");
        }

        await using (var log = SqliteMessageLog.Open(_path, indexBatch: 1, indexRowsPerKey: 0))
        {
            await log.AppendAsync(Msg("a", 2), "u1");
            await Barrier(log);
            Assert.Equal((0L, 2L), Rows());
            Assert.Equal(["b1", "b2"], (await log.ReadAsync("a", 0, 10)).Select(m => m.Body));
            Assert.Equal(2, (await log.GetOutcomeAsync("u1", "c1", 2))!.RoomSeq);
        }
    }

    [Fact]
    public async Task Trim_MarksTheRowsDead_UnseenButAnswered_DeletedInPositionOrderOnceAChunkHasDied()
    {
        // a1 b1 a2 b2 a3 b3 at positions 1 to 6.
        var log = await InterleavedAsync(deadRowsChunk: 3);
        await using (log)
        {
            var deleted = DeletionSignal(log);

            await log.TrimAsync("a", new RetentionCut(MaxMessages: 1, MinAtMs: 0, ProtectFromSeq: long.MaxValue));
            await Barrier(log);

            // Two dead rows, fewer than a chunk: still in the journal, but no read sees them and their acks still answer.
            Assert.Equal((6L, 2L), (Count("journal"), Count("dead_rows")));
            Assert.Equal(["b3"], (await log.ReadAsync("a", 0, 10)).Select(m => m.Body));
            Assert.Equal(("a", 1L), ((await log.GetOutcomeAsync("u1", "ca", 1))!.Room, (await log.GetOutcomeAsync("u1", "ca", 1))!.RoomSeq!.Value));
            Assert.False(deleted.Task.IsCompleted);

            await log.TrimAsync("b", new RetentionCut(MaxMessages: 1, MinAtMs: 0, ProtectFromSeq: long.MaxValue));
            await deleted.Task.WaitAsync(TimeSpan.FromSeconds(10));

            // Four dead (1 to 4): the chunk of three oldest went, position 4 waits for two more.
            Assert.Equal([4L, 5L, 6L], Positions("journal"));
            Assert.Equal([4L], Positions("dead_rows"));
            Assert.Equal(0, DanglingEntries());
            Assert.Equal(["b3"], (await log.ReadAsync("b", 0, 10)).Select(m => m.Body));
            Assert.Equal(2, (await log.GetOutcomeAsync("u1", "cb", 2))!.RoomSeq);
            Assert.Equal(3, await log.GetClientMarkAsync("u1", "cb"));
        }
    }

    [Fact]
    public async Task Restart_WithDeadRowsWaiting_CountsThem_AndDeletesThemOnceAChunkHasDied()
    {
        await using (var log = await InterleavedAsync(deadRowsChunk: 3))
        {
            await log.TrimAsync("a", new RetentionCut(MaxMessages: 1, MinAtMs: 0, ProtectFromSeq: long.MaxValue));
        }

        await using (var log = SqliteMessageLog.Open(_path, indexBatch: 1, indexRowsPerKey: 0))
        {
            log.DeadRowsChunk = 3;
            var deleted = DeletionSignal(log);
            Assert.Equal(["b3"], (await log.ReadAsync("a", 0, 10)).Select(m => m.Body));

            // The two rows that died before the restart count towards the chunk: one more makes three.
            await log.TrimAsync("b", new RetentionCut(MaxMessages: 2, MinAtMs: 0, ProtectFromSeq: long.MaxValue));
            await deleted.Task.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal([4L, 5L, 6L], Positions("journal"));
            Assert.Empty(Positions("dead_rows"));
            Assert.Equal(["b2", "b3"], (await log.ReadAsync("b", 0, 10)).Select(m => m.Body));
        }
    }

    [Fact]
    public async Task DeletedRoom_ItsRowsLeaveTheFileRightAfter_WithoutWaitingForAChunkToDie()
    {
        await using var log = await InterleavedAsync(deadRowsChunk: SqliteMessageLog.DefaultDeadRowsChunk);
        var deleted = DeletionSignal(log);

        await log.DeleteRoomAsync("a");
        await deleted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([2L, 4L, 6L], Positions("journal"));
        Assert.Empty(Positions("dead_rows"));
        Assert.Equal(["b1", "b2", "b3"], (await log.ReadAsync("b", 0, 10)).Select(m => m.Body));
        Assert.Equal(3, (await log.GetOutcomeAsync("u1", "ca", 3))!.RoomSeq);
    }

    [Fact]
    public async Task RoomRecreated_WhileItsOldRowsWaitDead_ReadsOnlyItsNewEpoch_AndOnlyTheOldRowsAreDeleted()
    {
        await using var log = await InterleavedAsync(deadRowsChunk: 100);

        // The deletion's rows would go right after it: refused here, they wait dead while the room is created again.
        Exec("CREATE TRIGGER no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'test: deletion refused'); END;");
        await log.DeleteRoomAsync("a");
        Assert.Equal(2, (await log.EnsureRoomAsync("a")).Epoch);
        await log.AppendAsync(Msg("a", 4, client: "ca"), "u1");
        await log.AppendAsync(Msg("a", 5, client: "ca"), "u1");
        await Barrier(log);

        // Seqs 1 and 2 of the new epoch share their room and seq with two dead rows of the old one.
        Assert.Equal([1L, 3L, 5L], Positions("dead_rows"));
        Assert.Equal([(1L, "b4"), (2L, "b5")], (await log.ReadAsync("a", 0, 10)).Select(m => (m.Seq, m.Body)));

        // The next room deletion sends every dead row, the earlier ones included.
        var deleted = DeletionSignal(log);
        Exec("DROP TRIGGER no_delete;");
        await log.EnsureRoomAsync("z");
        await log.AppendAsync(Msg("z", 1, client: "cz"), "u1");
        await log.DeleteRoomAsync("z");
        await deleted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([2L, 4L, 6L, 7L, 8L], Positions("journal"));
        Assert.Equal([(1L, "b4"), (2L, "b5")], (await log.ReadAsync("a", 0, 10)).Select(m => (m.Seq, m.Body)));
        Assert.Equal(0, DanglingEntries());
    }

    [Fact]
    public async Task RoomRecreated_WhileItsOldAnswersWaitDead_ItsNewQuestionsAreAnsweredAgain()
    {
        // The assistant answers a question once: an answer names its question's seq, which a recreated room reuses.
        await using var log = SqliteMessageLog.Open(_path, indexBatch: 1, indexRowsPerKey: 0);
        await log.EnsureRoomAsync("assistant-x");
        await log.AppendAsync(Msg("assistant-x", 1), "u1");
        Assert.False((await log.AppendAsync(Answer("assistant-x", question: 1), null)).Duplicate);

        // As above: the deleted room's rows wait dead (their deletion refused) while it is created again.
        Exec("CREATE TRIGGER no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'test: deletion refused'); END;");
        await log.DeleteRoomAsync("assistant-x");
        await log.EnsureRoomAsync("assistant-x");
        await log.AppendAsync(Msg("assistant-x", 2), "u1");

        var answer = await log.AppendAsync(Answer("assistant-x", question: 1), null);

        Assert.Equal((false, 2L), (answer.Duplicate, answer.Message.Seq));
        Assert.True((await log.AppendAsync(Answer("assistant-x", question: 1), null)).Duplicate);
        Assert.Equal(2L, Count("dead_rows"));
    }

    [Fact]
    public async Task FailedDeletionOfDeadRows_LeavesThemUnseen_ReportsIt_RetriesAfterAnotherChunkHasDied()
    {
        var log = await InterleavedAsync(deadRowsChunk: 2);
        await using (log)
        {
            var failures = new List<Exception>();
            var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            log.DeadRowsDeleteFailed = e =>
            {
                failures.Add(e);
                failed.TrySetResult();
            };
            Exec("CREATE TRIGGER no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'test: deletion refused'); END;");

            await log.TrimAsync("a", new RetentionCut(MaxMessages: 1, MinAtMs: 0, ProtectFromSeq: long.MaxValue));
            await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await Barrier(log);

            Assert.Contains("deletion refused", Assert.Single(failures).Message, StringComparison.Ordinal);
            Assert.Equal((6L, 2L), (Count("journal"), Count("dead_rows")));
            Assert.Equal(["b3"], (await log.ReadAsync("a", 0, 10)).Select(m => m.Body));

            // Not retried after every commit: only once another chunk has died.
            Exec("DROP TRIGGER no_delete;");
            await log.SetReadMarkerAsync("nudge", "u", 1);
            await Barrier(log);
            Assert.Equal(2L, Count("dead_rows"));

            var deleted = DeletionSignal(log, times: 2);
            await log.TrimAsync("b", new RetentionCut(MaxMessages: 1, MinAtMs: 0, ProtectFromSeq: long.MaxValue));
            await deleted.Task.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal([5L, 6L], Positions("journal"));
            Assert.Empty(Positions("dead_rows"));
            Assert.Single(failures);
        }
    }

    [Fact]
    public async Task DeletingALargeRoom_CommitsAChunkAtATime_AndEndsLikeOneDeletion()
    {
        await using var log = SqliteMessageLog.Open(_path, synchronousFull: false, indexBatch: 100, indexRowsPerKey: 0); // thousands of appends; durability is not what is tested
        await log.EnsureRoomAsync("big");
        await log.EnsureRoomAsync("other");
        var count = (2 * SqliteMessageLog.RoomDeletionChunk) + 500;
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(Msg("big", i), "u1");
        }

        await log.AppendAsync(Msg("other", 1, client: "c2"), "u1");
        var commits = 0;
        log.CommitObserved = (_, _) => Interlocked.Increment(ref commits);

        var deleted = await log.DeleteRoomAsync("big");

        // Two chunks of RoomDeletionChunk, then the rest with the room itself: appends queued meanwhile commit between them.
        Assert.Equal(3, commits);
        Assert.Equal((true, count + 1L), (deleted!.Deleted, deleted.FirstSeq));
        Assert.Equal(count, await log.GetClientMarkAsync("u1", "c1"));
        Assert.Equal(("big", 1L), ((await log.GetOutcomeAsync("u1", "c1", 1))!.Room, (await log.GetOutcomeAsync("u1", "c1", 1))!.RoomSeq!.Value));
        Assert.Equal(count, (await log.GetOutcomeAsync("u1", "c1", count))!.RoomSeq);
        Assert.Equal(["b1"], (await log.ReadAsync("other", 0, 10)).Select(m => m.Body));

        var again = await log.EnsureRoomAsync("big");
        Assert.Equal((2L, 0L), (again.Epoch, again.Head));
        Assert.Empty(await log.ReadAsync("big", 0, 10));
        Assert.Equal(1, (await log.AppendAsync(Msg("big", 1, client: "c3"), "u1")).Message.Seq);
        Assert.Equal(["b1"], (await log.ReadAsync("big", 0, 10)).Select(m => m.Body));
    }

    [Fact]
    public async Task DeletingALargeRoom_AnAppendQueuedMeanwhile_CommitsBeforeTheDeletionEnds()
    {
        await using var log = SqliteMessageLog.Open(_path, synchronousFull: false, indexBatch: 100, indexRowsPerKey: 0); // as above
        await log.EnsureRoomAsync("big");
        await log.EnsureRoomAsync("other");
        for (var i = 1; i <= (3 * SqliteMessageLog.RoomDeletionChunk) + 1; i++)
        {
            await log.AppendAsync(Msg("big", i), "u1");
        }

        var commits = 0;
        var appendCommittedAt = 0;
        ValueTask<AppendResult>? append = null;
        log.CommitObserved = (_, _) =>
        {
            // On the writer thread, right after the deletion's first commit: another room's send arrives.
            if (Interlocked.Increment(ref commits) == 1)
            {
                append = log.AppendAsync(Msg("other", 1, client: "c2"), "u1", _ => appendCommittedAt = Volatile.Read(ref commits));
            }
        };

        await log.DeleteRoomAsync("big");
        var deletionEnded = Volatile.Read(ref commits);

        Assert.False((await append!.Value).Duplicate);
        Assert.InRange(appendCommittedAt, 2, deletionEnded - 1);
    }

    [Fact]
    public async Task Open_FileOfTheMovedRowsLayout_ConvertsIt_WithRowsStillInItsJournal()
    {
        // The eighth round's layout: indexed rows in messages (acks in outcome_user), two appends still in the journal
        // (the process was killed before it moved them).
        Exec("""
            PRAGMA journal_mode=WAL;
            CREATE TABLE rooms(name TEXT PRIMARY KEY, epoch INTEGER NOT NULL, head INTEGER NOT NULL, first_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE messages(room TEXT NOT NULL, seq INTEGER NOT NULL, epoch INTEGER NOT NULL, id TEXT NOT NULL, sender TEXT NOT NULL,
                client_id TEXT NOT NULL, client_seq INTEGER NOT NULL, body TEXT NOT NULL, sent_at INTEGER NOT NULL, basis INTEGER NOT NULL, at INTEGER NOT NULL,
                meta TEXT NULL, answer_for INTEGER NULL, outcome_user TEXT NULL, PRIMARY KEY(room, seq)) WITHOUT ROWID;
            CREATE UNIQUE INDEX messages_answer ON messages(room, answer_for) WHERE answer_for IS NOT NULL;
            CREATE INDEX messages_outcome ON messages(outcome_user, client_id, client_seq) WHERE outcome_user IS NOT NULL;
            CREATE TABLE journal(pos INTEGER PRIMARY KEY, room TEXT NOT NULL, seq INTEGER NOT NULL, epoch INTEGER NOT NULL, id TEXT NOT NULL,
                sender TEXT NOT NULL, client_id TEXT NOT NULL, client_seq INTEGER NOT NULL, body TEXT NOT NULL, sent_at INTEGER NOT NULL, basis INTEGER NOT NULL,
                at INTEGER NOT NULL, meta TEXT NULL, answer_for INTEGER NULL, outcome_user TEXT NULL);
            INSERT INTO rooms VALUES('r', 1, 0, 1, 0);
            INSERT INTO messages VALUES('r', 1, 1, 'c1-1', 'u1', 'c1', 1, 'b1', 1000, 0, 1000, '{"k":"v"}', NULL, 'u1');
            INSERT INTO messages VALUES('r', 2, 1, 'c1-2', 'u1', 'c1', 2, 'b2', 1000, 0, 1000, NULL, NULL, 'u1');
            INSERT INTO journal VALUES(7, 'r', 3, 1, 'c1-3', 'u1', 'c1', 3, 'b3', 1000, 0, 1000, NULL, NULL, 'u1');
            INSERT INTO journal VALUES(8, 'r', 4, 1, 'c1-4', 'u1', 'c1', 4, 'b4', 1000, 0, 1000, NULL, NULL, 'u1');
            """);

        await using (var log = SqliteMessageLog.Open(_path))
        {
            Assert.Equal(2, log.Conversion!.Messages); // the two in messages; the journal's two were there already
            var rows = await log.ReadAsync("r", 0, 10);
            Assert.Equal(["b1", "b2", "b3", "b4"], rows.Select(m => m.Body));
            Assert.Equal("v", rows[0].Meta!["k"]);
            Assert.Equal(4, (await log.GetRoomAsync("r"))!.Head);
            Assert.Equal(4, await log.GetClientMarkAsync("u1", "c1"));
            Assert.Equal(2, (await log.GetOutcomeAsync("u1", "c1", 2))!.RoomSeq);
            Assert.Equal(5, (await log.AppendAsync(Msg("r", 5), "u1")).Message.Seq);
        }

        Assert.Equal((0L, 5L), Rows());
        await using (var reopened = SqliteMessageLog.Open(_path))
        {
            Assert.Null(reopened.Conversion);
        }

        using var c = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'messages%'";
        Assert.Equal(0L, cmd.ExecuteScalar());
    }

    [Fact]
    public async Task CleanShutdown_LeavesNothingUnindexed()
    {
        await using (var log = SqliteMessageLog.Open(_path))
        {
            await log.EnsureRoomAsync("r");
            for (var i = 1; i <= 7; i++)
            {
                await log.AppendAsync(Msg("r", i), "u1");
            }
        }

        Assert.Equal((0L, 7L), Rows());
    }

    [Fact]
    public async Task Reads_WhileTheWriterIndexes_AreTheExactRangeAsked()
    {
        await using var log = SqliteMessageLog.Open(_path, indexBatch: 5, indexRowsPerKey: 0);
        var rooms = new[] { "a", "b", "c" };
        foreach (var r in rooms)
        {
            await log.EnsureRoomAsync(r);
        }

        var random = new Random(7);
        var failures = new List<string>();
        for (var i = 1; i <= 200; i++)
        {
            // Each round's appends are pipelined, so batches cross the index threshold mid-batch, and three reads run
            // beside them, while the writer commits and indexes rows.
            var reads = rooms.Select(async room =>
            {
                var head = (await log.GetRoomAsync(room))!.Head;
                var after = random.NextInt64(0, head + 1);
                var rows = await log.ReadAsync(room, after, 20);
                var expected = Enumerable.Range(1, (int)Math.Min(20, head - after)).Select(k => after + k).ToList();
                // Appends may land between reading the head and the range, so the range may run past the head read.
                if (!rows.Select(m => m.Seq).Take(expected.Count).SequenceEqual(expected) || rows.Any(m => m.Body != "b" + m.ClientSeq))
                {
                    lock (failures)
                    {
                        failures.Add($"{room} after {after} (head {head}): {string.Join(',', rows.Select(m => m.Seq))}");
                    }
                }
            }).ToList();
            var appends = rooms.Select(r => log.AppendAsync(Msg(r, i, client: "c-" + r), "u1").AsTask());
            await Task.WhenAll(reads.Concat(appends));
        }

        Assert.Empty(failures);
        foreach (var r in rooms)
        {
            Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), (await log.ReadAsync(r, 0, 1000)).Select(m => m.Seq));
            Assert.Equal(200, await log.GetClientMarkAsync("u1", "c-" + r));
        }
    }

    [Fact]
    public async Task Read_OverlappingATrimOfEverything_ReadsAgain_RatherThanReturnTheTailWithoutTheRowsBeforeIt()
    {
        await using var log = SqliteMessageLog.Open(_path, indexBatch: 3, indexRowsPerKey: 0);
        await log.EnsureRoomAsync("r");
        for (var i = 1; i <= 5; i++)
        {
            await log.AppendAsync(Msg("r", i), "u1");
        }

        await Barrier(log);
        Assert.Equal((2L, 3L), Rows()); // 1-3 indexed, 4-5 in the tail

        // The trim lands after the read copied the tail (4, 5) and before it reads the table: everything is gone, so
        // 4, 5 alone would be a log that starts at 4 — a hole where 1-3 were when the read began.
        var trims = 0;
        log.AfterTailCopied = () =>
        {
            if (Interlocked.Increment(ref trims) == 1)
            {
                log.TrimAsync("r", new RetentionCut(MaxMessages: 100, MinAtMs: long.MaxValue, ProtectFromSeq: long.MaxValue)).AsTask().GetAwaiter().GetResult();
            }
        };
        Assert.Empty(await log.ReadAsync("r", 0, 100));
        Assert.Equal(2, trims); // read again after the trim
        Assert.Equal(6, (await log.GetRoomAsync("r"))!.FirstSeq);
    }

    [Fact]
    public async Task Reads_WhileRetentionTrimsRowsStillInTheTail_StartWhereTheLogStarted()
    {
        // Trims keep 2 rows while up to 8 wait in the tail, so a trim deletes rows a concurrent reader may have copied
        // from the tail: such a read must not return them after the table's rows are gone (a hole before them).
        await using var log = SqliteMessageLog.Open(_path, indexBatch: 8, indexRowsPerKey: 0);
        await log.EnsureRoomAsync("r");
        var firstSeqs = new HashSet<long> { 1 };
        var failures = new List<string>();
        for (var i = 1; i <= 300; i++)
        {
            var reads = Enumerable.Range(0, 2).Select(async _ =>
            {
                var seqs = (await log.ReadAsync("r", 0, 1000)).Select(m => m.Seq).ToList();
                bool startsAtAFirstSeq;
                lock (firstSeqs)
                {
                    startsAtAFirstSeq = seqs.Count == 0 || firstSeqs.Contains(seqs[0]);
                }

                if (!startsAtAFirstSeq || (seqs.Count > 0 && seqs[^1] - seqs[0] != seqs.Count - 1))
                {
                    lock (failures)
                    {
                        failures.Add(string.Join(',', seqs));
                    }
                }
            }).ToList();
            await log.AppendAsync(Msg("r", i), "u1");
            if (i % 7 == 0)
            {
                // Recorded before the trim commits, so a reader never sees a first seq this set lacks.
                var next = i - 1;
                lock (firstSeqs)
                {
                    firstSeqs.Add(next);
                }

                Assert.Equal(next, await log.TrimAsync("r", new RetentionCut(MaxMessages: 2, MinAtMs: 0, ProtectFromSeq: long.MaxValue)));
            }

            await Task.WhenAll(reads);
        }

        Assert.Empty(failures);
        Assert.Equal(Enumerable.Range(293, 8).Select(i => (long)i), (await log.ReadAsync("r", 0, 1000)).Select(m => m.Seq));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(f);
        }
    }

    private static StoredMessage Msg(string room, long clientSeq, string client = "c1") => new()
    {
        Room = room, Id = $"{client}-{clientSeq}", From = "u1", ClientId = client, ClientSeq = clientSeq, Body = "b" + clientSeq, SentAt = 1000, At = 1000,
    };

    private static StoredMessage Answer(string room, long question) => new()
    {
        Room = room, Id = $"answer-{Guid.NewGuid():N}", From = "assistant", ClientId = "assistant", ClientSeq = 0, Body = "answer", SentAt = 1000, At = 1000, AnswerFor = question,
    };

    private static readonly string[] Rooms = ["a", "b", "c"];

    /// <summary>
    /// A log that indexes 12 rows at a time in slices of 3 entries (24 entries: 8 slices), with rooms a, b, c and four
    /// messages in each (each room with its own client), its writer stopped after the batch's first slice until
    /// <see cref="SlicePause.Release"/> is released.
    /// </summary>
    private async Task<SlicePause> PausedAfterFirstSliceAsync()
    {
        var log = SqliteMessageLog.Open(_path, indexBatch: 12, indexRowsPerKey: 0);
        log.MinIndexSliceEntries = 1;
        var pause = new SlicePause(log);
        log.AfterIndexSlice = () =>
        {
            var n = ++pause.Slices;
            pause.OnSlice?.Invoke(n);
            if (n == 1)
            {
                pause.Reached.SetResult();
                // Bounded: a test that never releases fails on its own assertions instead of hanging the run.
                pause.Release.Wait(TimeSpan.FromSeconds(30));
            }
        };
        foreach (var room in Rooms)
        {
            await log.EnsureRoomAsync(room);
        }

        // The 12th append fills the index batch.
        foreach (var room in Rooms)
        {
            for (var i = 1; i <= 4; i++)
            {
                await log.AppendAsync(Msg(room, i, client: "c-" + room), "u1");
            }
        }

        await pause.Reached.Task;
        return pause;
    }

    /// <summary>
    /// A log indexing after every commit, deleting dead rows <paramref name="deadRowsChunk"/> at a time, with
    /// a1 b1 a2 b2 a3 b3 at journal positions 1 to 6 (room a's sends from client ca, b's from cb; bodies b1..b3).
    /// </summary>
    private async Task<SqliteMessageLog> InterleavedAsync(int deadRowsChunk)
    {
        var log = SqliteMessageLog.Open(_path, indexBatch: 1, indexRowsPerKey: 0);
        log.DeadRowsChunk = deadRowsChunk;
        await log.EnsureRoomAsync("a");
        await log.EnsureRoomAsync("b");
        for (var i = 1; i <= 3; i++)
        {
            await log.AppendAsync(Msg("a", i, client: "ca"), "u1");
            await log.AppendAsync(Msg("b", i, client: "cb"), "u1");
        }

        await Barrier(log);
        return log;
    }

    /// <summary>Completes once the writer has deleted <paramref name="times"/> chunks of dead rows.</summary>
    private static TaskCompletionSource DeletionSignal(SqliteMessageLog log, int times = 1)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = times;
        log.AfterDeadRowsDeleted = () =>
        {
            if (Interlocked.Decrement(ref left) == 0)
            {
                done.TrySetResult();
            }
        };
        return done;
    }

    private List<long> Positions(string table)
    {
        using var c = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT pos FROM {table} ORDER BY pos";
        using var r = cmd.ExecuteReader();
        var list = new List<long>();
        while (r.Read())
        {
            list.Add(r.GetInt64(0));
        }

        return list;
    }

    /// <summary>Index entries whose journal row is gone, in either index.</summary>
    private long DanglingEntries() =>
        Scalar("SELECT (SELECT COUNT(*) FROM room_index i WHERE NOT EXISTS (SELECT 1 FROM journal j WHERE j.pos=i.pos)) "
            + "+ (SELECT COUNT(*) FROM ack_index a WHERE NOT EXISTS (SELECT 1 FROM journal j WHERE j.pos=a.pos))");

    private long Count(string table) => Scalar($"SELECT COUNT(*) FROM {table}");

    private long Scalar(string sql)
    {
        using var c = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// Waits until the writer has finished everything queued before it, and an index batch the writer started before
    /// it, when that is one slice (the tests' batches are, unless they lower the slice size): the writer runs one
    /// batch at a time and indexes the journal right after the commit that filled it, before it takes the next batch.
    /// </summary>
    private static async Task Barrier(SqliteMessageLog log) => await log.SetReadMarkerAsync("barrier", "u", 1);

    /// <summary>Writes to the file behind the log's back (WAL: the log's writer waits for the lock if it needs it).</summary>
    private void Exec(string sql)
    {
        using var c = new SqliteConnection($"Data Source={_path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Journal rows past the indexed mark, and rows in the room index, read from the file.</summary>
    private (long Unindexed, long Indexed) Rows()
    {
        using var c = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT (SELECT COUNT(*) FROM journal WHERE pos>(SELECT through FROM journal_indexed)), (SELECT COUNT(*) FROM room_index)";
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>A log whose writer is held after an index batch's first slice: its slices so far, and the gate.</summary>
    private sealed class SlicePause(SqliteMessageLog log)
    {
        public SqliteMessageLog Log { get; } = log;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SemaphoreSlim Release { get; } = new(0);

        public int Slices { get; set; }

        /// <summary>Runs on the writer thread with each slice's number (1 first).</summary>
        public Action<int>? OnSlice { get; set; }
    }
}
