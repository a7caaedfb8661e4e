using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace ChatResilience.Server.Storage;

/// <summary>
/// The log in a SQLite file (Microsoft.Data.Sqlite, WAL). One writer task owns every mutation and batches
/// whatever is queued into one transaction: concurrent appends share one commit (group commit), and their
/// tasks complete only after that commit returns, so an ack never precedes durability.
/// <para>
/// Durability: <c>PRAGMA synchronous=FULL</c> in WAL mode — every commit is fsynced before it returns, so an
/// acked message survives a process kill (SIGKILL) and an OS crash or power loss. (NORMAL would survive a
/// process kill but may lose the last commits on power loss.) Reads use pooled connections and never block
/// the writer (WAL readers see the last commit).
/// </para>
/// <para>
/// Layout: every message is one row of the append-only <c>journal</c> table, keyed by its position (rowid order,
/// no secondary index on the hot path), so a group commit dirties a few adjacent pages. Two slim index tables find
/// the rows: <c>room_index</c> (room, seq → position) and <c>ack_index</c> (sender, client, client seq → position).
/// Indexed as it was written, each append dirtied its room's leaf and its sender's leaf, pages no other append in the
/// batch shared, and the log alone topped out near 11k appends/s. The writer indexes the journal once
/// <c>indexBatch</c> rows have gathered (more when many rooms and clients share them: see
/// <see cref="DefaultIndexRowsPerKey"/>), ordered by key, in <see cref="IndexSlices"/> transactions of their own with
/// the appends queued meanwhile committed between them (<see cref="JournalIndexer"/>; <c>journal_indexed</c> records
/// how far); until then readers see those rows through <see cref="JournalTail"/>. A restart indexes whatever lies
/// past that mark before serving, and trims and room deletions index it first, so they find every row through the
/// indexes. They remove rows from the indexes only and mark them dead (<c>dead_rows</c>); the writer deletes dead
/// rows later, a chunk at a time in position order (<see cref="DefaultDeadRowsChunk"/>).
/// </para>
/// <para>
/// Until the ninth round the rows themselves moved, from the journal into an indexed <c>messages</c> table: every
/// message was written twice, and the move was half the log's CPU (the log alone: 28 µs per append with moves, 15 µs
/// with none). Indexing in place writes ~30 bytes per message instead of ~350 (bench/results/sqlite-log-ceiling.md).
/// A file in the old layout is converted when opened (<see cref="Migrate"/>).
/// </para>
/// <para>
/// The writer is a thread of its own, not a thread-pool task: awaiting the queue on the pool put every batch behind
/// whatever else the pool had queued, a hop on each send's path to its ack (measured: ~12 % more acks/s at 100
/// connections x window 1 on a dedicated thread).
/// </para>
/// </summary>
public sealed partial class SqliteMessageLog : IMessageLog
{
    private readonly string _connectionString;
    private readonly Channel<WriteOp> _writes;
    private readonly SqliteConnection _writer;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _timeProvider;
    private readonly int _maxBatch;
    private readonly Dictionary<string, RoomInfo> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _roomsLock = new();
    private readonly JournalTail _tail = new();
    private readonly int _indexBatch;
    private readonly int _indexRowsPerKey;
    private int _disposed;

    private SqliteMessageLog(string path, TimeProvider timeProvider, int maxBatch, bool synchronousFull, int indexBatch, int indexRowsPerKey)
    {
        _timeProvider = timeProvider;
        _maxBatch = maxBatch;
        _indexBatch = indexBatch;
        _indexRowsPerKey = indexRowsPerKey;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Exec(_writer, Schema);
        var converting = timeProvider.GetTimestamp();
        var converted = Migrate(_writer);

        Exec(_writer, synchronousFull ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");

        // The index moves touch every active room's and client's leaf; with SQLite's default 2 MB cache those pages
        // were read back from the OS on each move. 64 MB on the one writer connection (measured: more acks/s in the
        // server throughput bench at 100 x 1, bench/results/server-throughput.md).
        Exec(_writer, "PRAGMA cache_size=-65536;");
        // The writer copies the WAL back into the file (a checkpoint: page writes and an fsync of the file, on the
        // append path) once it holds this many pages. SQLite's default, 1,000 pages (4 MB), checkpointed several
        // times a second under load; 4,000 copies each rewritten page (the journal's last leaf, rewritten by every
        // commit) once per 16 MB instead of four times. Measured in interleaved runs (sqlite-log-ceiling.md,
        // server-throughput.md, ninth round): the log alone 32-37k -> 43-45k appends/s; the server at 100 x 1,
        // p99 59-68 -> 50-53 ms. Larger values (10,000-50,000) gained nothing more.
        Exec(_writer, $"PRAGMA wal_autocheckpoint={WalCheckpointPages};");
        // What the last process appended but had not indexed (it was killed, say): indexed before serving. Positions
        // continue past both the last row and the mark (retention may have deleted the rows at the end).
        var (lastPos, indexedThrough) = JournalBounds();
        IndexJournalThrough(lastPos);
        _nextPos = Math.Max(lastPos, indexedThrough) + 1;
        _deadRows = Scalar(_writer, "SELECT COUNT(*) FROM dead_rows");
        if (converted is { } messages)
        {
            // Its time includes indexing what it moved into the journal.
            Conversion = new LayoutConversion(messages, timeProvider.GetElapsedTime(converting));
        }

        LoadRooms();
        _writes = Channel.CreateBounded<WriteOp>(new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        new Thread(RunWriter) { IsBackground = true, Name = "chat-sqlite-writer" }.Start();
    }

    /// <summary>Called after each commit with its duration and number of operations (for metrics).</summary>
    public Action<TimeSpan, int>? CommitObserved { get; set; }

    /// <summary>Test seam: runs inside a range read, between its copy of the tail and its read of the table.</summary>
    internal Action? AfterTailCopied { get; set; }

    /// <summary>Test seam: runs on the writer thread after each slice of an index batch commits, the last included.</summary>
    internal Action? AfterIndexSlice { get; set; }

    /// <summary>Index entries per slice at least (tests lower it to index small batches in several slices).</summary>
    internal int MinIndexSliceEntries { get; set; } = DefaultMinIndexSliceEntries;

    /// <summary>Dead rows deleted per writer transaction, and how many must wait first (tests lower it).</summary>
    internal int DeadRowsChunk { get; set; } = DefaultDeadRowsChunk;

    /// <summary>Test seam: runs on the writer thread after each chunk of dead rows is deleted.</summary>
    internal Action? AfterDeadRowsDeleted { get; set; }

    /// <summary>Called when deleting dead journal rows failed (they stay dead, unseen; retried once another chunk has died).</summary>
    public Action<Exception>? DeadRowsDeleteFailed { get; set; }

    /// <summary>Set when opening converted a file of the earlier layout (rows in a <c>messages</c> table): what it moved, and how long it took.</summary>
    public LayoutConversion? Conversion { get; }

    /// <summary>Called when indexing the journal failed (its rows stay readable; indexing is retried once another index batch has gathered).</summary>
    public Action<Exception>? IndexFailed { get; set; }

    /// <summary>Opens (creating if needed) the log at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="timeProvider">Clock for commit-latency metrics.</param>
    /// <param name="groupCommitMaxBatch">Most operations per transaction.</param>
    /// <param name="synchronousFull">PRAGMA synchronous FULL (default; survives power loss) or NORMAL (survives a process kill).</param>
    /// <param name="indexBatch">Journal rows gathered before the writer indexes them, at least (1: after every commit).</param>
    /// <param name="indexRowsPerKey">
    /// Rows gathered per room and per client in the tail before indexing, when that is more than
    /// <paramref name="indexBatch"/> (at most <see cref="MaxIndexBatchFactor"/> times it); 0 indexes every <paramref name="indexBatch"/> rows.
    /// </param>
    public static SqliteMessageLog Open(string path, TimeProvider? timeProvider = null, int groupCommitMaxBatch = 512, bool synchronousFull = true, int indexBatch = DefaultIndexBatch, int indexRowsPerKey = DefaultIndexRowsPerKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupCommitMaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(indexBatch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(indexRowsPerKey);
        return new SqliteMessageLog(path, timeProvider ?? TimeProvider.System, groupCommitMaxBatch, synchronousFull, indexBatch, indexRowsPerKey);
    }

    /// <summary>
    /// Journal rows indexed per transaction by default. Larger batches write fewer pages per row (each room's and
    /// client's index leaf is dirtied once per batch) but hold up the appends queued behind them for longer, and the
    /// tail they leave in memory is larger. Chosen when rows were moved (4,096 against 2,048: ~10 % more acks/s at
    /// 100 x 1, seventh round); with slim entries the batch matters less, and 1,024 against 4,096 in the server bench
    /// lowered p99 at 100 x 1 (33-35 -> 21-23 ms) but cost acks/s at 1000 x 1 (sqlite-log-ceiling.md, ninth round).
    /// </summary>
    public const int DefaultIndexBatch = 4096;

    /// <summary>
    /// Rows per distinct room and client in the tail that the writer gathers before indexing, when that is more than
    /// the index batch. An index commit rewrites one leaf of <c>room_index</c> per room and one of <c>ack_index</c> per
    /// client in the tail, whatever the number of rows: 4,096 rows over 1,000 rooms and 1,000 clients rewrote ~2,000
    /// pages (8 MB of WAL, copied again by the checkpoint) for ~2 entries each. Measured at 1,000 connections x window
    /// 16 (each connection its own room and client, 12 s points, bench/results/server-throughput.md): the writer
    /// wrote 4.7 KB per append with 4,096-row batches and 2.6 KB with 32,768; 35.8-36.4k -> 45.0k acks/s, writer CPU
    /// 47-50 % -> 40 % of a core; the log alone at 1,000 appenders 40-44k -> 87-95k appends/s. The cost was that a
    /// larger index commit held the appends queued behind it for longer (p99 at 1,000 connections x window 1, ~100-145
    /// -> 135-230 ms), until batches were written in slices (<see cref="IndexSlices"/>). With 100 rooms and clients
    /// the batch stays 4,096.
    /// </summary>
    public const int DefaultIndexRowsPerKey = 16;

    /// <summary>The most an index batch grows with the keys in the tail: this many times the configured batch (bounds the tail's memory and the index commit's pause).</summary>
    public const int MaxIndexBatchFactor = 16;

    /// <summary>Messages a room deletion removes per writer op (each op ~25-35 ms of the writer, like a trim sweep's room).</summary>
    internal const int RoomDeletionChunk = 1000;

    /// <summary>WAL pages that trigger the writer's automatic checkpoint (see the constructor).</summary>
    internal const int WalCheckpointPages = 4000;

    private const string Schema = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE IF NOT EXISTS rooms(name TEXT PRIMARY KEY, epoch INTEGER NOT NULL, head INTEGER NOT NULL, first_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS outcomes(user_id TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, room TEXT NOT NULL,
            room_seq INTEGER NULL, nack_code TEXT NULL, nack_reason TEXT NULL, at INTEGER NOT NULL, PRIMARY KEY(user_id, client_id, seq)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS outcomes_at ON outcomes(at);
        CREATE TABLE IF NOT EXISTS marks(user_id TEXT NOT NULL, client_id TEXT NOT NULL, mark INTEGER NOT NULL, PRIMARY KEY(user_id, client_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS members(room TEXT NOT NULL, user_id TEXT NOT NULL, state INTEGER NOT NULL, PRIMARY KEY(room, user_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS read_markers(room TEXT NOT NULL, user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(room, user_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS journal(pos INTEGER PRIMARY KEY, room TEXT NOT NULL, seq INTEGER NOT NULL, epoch INTEGER NOT NULL, id TEXT NOT NULL,
            sender TEXT NOT NULL, client_id TEXT NOT NULL, client_seq INTEGER NOT NULL, body TEXT NOT NULL, sent_at INTEGER NOT NULL, basis INTEGER NOT NULL,
            at INTEGER NOT NULL, meta TEXT NULL, answer_for INTEGER NULL, outcome_user TEXT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS journal_answer ON journal(room, answer_for) WHERE answer_for IS NOT NULL;
        CREATE TABLE IF NOT EXISTS room_index(room TEXT NOT NULL, seq INTEGER NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY(room, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS ack_index(user_id TEXT NOT NULL, client_id TEXT NOT NULL, client_seq INTEGER NOT NULL, pos INTEGER NOT NULL,
            PRIMARY KEY(user_id, client_id, client_seq, pos)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS journal_indexed(through INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS dead_rows(pos INTEGER PRIMARY KEY);
        INSERT INTO journal_indexed(through) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM journal_indexed);
        """;

    // Journal rows past the indexed mark through $p into the indexes, sorted so each room's and client's entries land
    // in their leaf together; the mark moves in the same transaction.
    private const string IndexJournalSql =
        "INSERT OR REPLACE INTO room_index(room, seq, pos) SELECT room, seq, pos FROM journal WHERE pos>(SELECT through FROM journal_indexed) AND pos<=$p ORDER BY room, seq; "
        + "INSERT OR REPLACE INTO ack_index(user_id, client_id, client_seq, pos) SELECT outcome_user, client_id, client_seq, pos FROM journal "
        + "WHERE pos>(SELECT through FROM journal_indexed) AND pos<=$p AND outcome_user IS NOT NULL ORDER BY outcome_user, client_id, client_seq; "
        + MarkIndexedSql;

    /// <summary>Records that the journal is indexed through position <c>$p</c>.</summary>
    private const string MarkIndexedSql = "UPDATE journal_indexed SET through=MAX(through, $p);";

    /// <summary>
    /// Slices an index batch is written in, each in a transaction of its own, with the appends queued meanwhile
    /// committed between them (see <see cref="JournalIndexer"/>). One transaction per batch held every append behind
    /// it: medians of 25-30 ms per 4,096 rows with 100 rooms and clients, 120-200 ms (up to 300) per 32,000 with 1,000.
    /// Eight slices against one, in interleaved pairs of the server throughput bench (bench/results/server-throughput.md,
    /// thirteenth round): acks/s the same within the noise at every point; p99 at 100 x 1 25-37 -> 17-22 ms, at
    /// 100 x 16 66-93 -> 52-68 ms, at 1,000 x 1 112-220 -> 81-161 ms; at 1,000 x 16 (16,000 sends in flight) the p99
    /// is the queue's and reads the same.
    /// </summary>
    internal const int IndexSlices = 8;

    /// <summary>Index entries per slice at least, so a small batch is one slice (a slice costs a commit and its fsync).</summary>
    internal const int DefaultMinIndexSliceEntries = 1024;

    /// <summary>
    /// Removes room <c>$r</c>'s indexed messages through seq <c>$s</c> from the indexes (retention, room deletion). Their
    /// acks move to the outcomes table first, so dedup still answers them for the outcome retention period and the
    /// client's mark (derived from both) is kept; then the ack entries go. The rows themselves only become dead
    /// (<see cref="MarkRowsDeadThroughSql"/>), and their room entries go after that.
    /// </summary>
    private const string RemoveAcksThroughSql = $"""
        INSERT OR IGNORE INTO outcomes(user_id, client_id, seq, id, room, room_seq, nack_code, nack_reason, at)
            SELECT j.outcome_user, j.client_id, j.client_seq, j.id, j.room, j.seq, NULL, NULL, j.at
            FROM {RoomRows} WHERE i.room=$r AND i.seq<=$s AND j.outcome_user IS NOT NULL;
        DELETE FROM ack_index WHERE (user_id, client_id, client_seq, pos) IN (
            SELECT j.outcome_user, j.client_id, j.client_seq, j.pos FROM {RoomRows} WHERE i.room=$r AND i.seq<=$s AND j.outcome_user IS NOT NULL);
        """;

    /// <summary>
    /// Marks room <c>$r</c>'s journal rows through seq <c>$s</c> dead: no index points at them any more, so no read sees
    /// them, and the writer deletes them later in position order (<see cref="DeadRowsChunk"/>). Deleting each removed
    /// row at once dirtied a journal page per row, since every room's rows are interleaved through the journal; in
    /// position order the rows that died together share their pages. Measured with the log alone at steady state under
    /// a count cap (sqlite-log-ceiling.md, fourteenth round).
    /// </summary>
    private const string MarkRowsDeadThroughSql = "INSERT OR IGNORE INTO dead_rows(pos) SELECT i.pos FROM room_index i WHERE i.room=$r AND i.seq<=$s";

    /// <summary>
    /// A dead row answers nothing: an assistant answer names its question's seq (<c>answer_for</c>), which a room
    /// deleted and created again reuses, and the lookup and the unique <c>journal_answer</c> index read the journal
    /// directly, dead rows included. Found through that partial index, so a room without answers costs one probe.
    /// </summary>
    private const string ForgetDeadAnswersThroughSql =
        "UPDATE journal SET answer_for=NULL WHERE room=$r AND answer_for IS NOT NULL AND pos IN (SELECT i.pos FROM room_index i WHERE i.room=$r AND i.seq<=$s)";

    private const string RemoveRoomEntriesThroughSql = "DELETE FROM room_index WHERE room=$r AND seq<=$s";

    /// <summary>
    /// Dead journal rows the writer deletes in one transaction, in position order, once at least this many wait.
    /// A chunk is about one index slice's work, so appends queued meanwhile wait no longer than behind a slice.
    /// A room deletion does not wait for a chunk to gather: once it commits, the writer deletes every dead row, a chunk
    /// at a time, so a deleted room's messages leave the file right after it.
    /// </summary>
    internal const int DefaultDeadRowsChunk = 4096;

    /// <summary>
    /// Converts a file written before the ninth round (rows moved from the journal into an indexed <c>messages</c>
    /// table) to the slim indexes: the table's rows join the journal, unindexed, and are indexed with the rest before
    /// the log serves. One transaction, so a crash midway leaves the old layout to convert again.
    /// </summary>
    /// <returns>The messages moved into the journal, or null when the file needed no conversion.</returns>
    private static long? Migrate(SqliteConnection c)
    {
        if (Scalar(c, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='messages'") == 0)
        {
            return null;
        }

        // Files older still lack the ack column.
        if (Scalar(c, "SELECT COUNT(*) FROM pragma_table_info('messages') WHERE name='outcome_user'") == 0)
        {
            Exec(c, "ALTER TABLE messages ADD COLUMN outcome_user TEXT NULL");
        }

        using var tx = c.BeginTransaction();
        var moved = Exec(c, "INSERT INTO journal(" + MessageColumns + ", outcome_user) SELECT " + MessageColumns + ", outcome_user FROM messages ORDER BY room, seq", tx);
        Exec(c, "DROP TABLE messages; UPDATE journal_indexed SET through=0;", tx);
        tx.Commit();
        return moved;
    }

    /// <inheritdoc />
    public ValueTask<RoomInfo?> GetRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        lock (_roomsLock)
        {
            return ValueTask.FromResult(_rooms.GetValueOrDefault(room));
        }
    }

    /// <inheritdoc />
    public ValueTask<RoomInfo> EnsureRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        var current = GetRoomAsync(room, cancellationToken).Result;
        if (current is { Deleted: false })
        {
            return ValueTask.FromResult(current);
        }

        return EnqueueAsync(b =>
        {
            var r = b.Room(room);
            if (r is { Deleted: false })
            {
                return r;
            }

            var created = new RoomInfo(room, (r?.Epoch ?? 0) + 1, 0, 1, false);
            b.PutRoom(created);
            return created;
        }, null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<RoomInfo?> DeleteRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        // The oldest messages go first, RoomDeletionChunk at a time, each chunk a writer op of its own so the appends
        // queued meanwhile commit between them: removed in one op, a room of 100,000 messages held every ack of
        // the server back for 3.7 s (bench/results/sqlite-retention.md). The room stays live until the last op,
        // like a room being trimmed; bounded, so a busy room cannot keep the deletion going. Once started it runs to
        // its end: a caller that gives up (an aborted admin request) must not leave the room half removed and live.
        cancellationToken.ThrowIfCancellationRequested();
        var before = await GetRoomAsync(room, CancellationToken.None);
        for (var chunks = before is null ? 0 : (before.Head - before.FirstSeq + 1) / RoomDeletionChunk; chunks > 0; chunks--)
        {
            var removed = await EnqueueAsync(b =>
            {
                var r = b.Room(room);
                return r is { Deleted: false } && r.Head - r.FirstSeq + 1 > RoomDeletionChunk && b.RemoveThrough(r, r.FirstSeq + RoomDeletionChunk - 1);
            }, null, CancellationToken.None);
            if (!removed)
            {
                break;
            }
        }

        return await EnqueueAsync(b =>
        {
            var r = b.Room(room);
            if (r is null or { Deleted: true })
            {
                return null;
            }

            b.RemoveThrough(r, r.Head);
            b.DeadRowsMustGo = true;
            b.Exec("DELETE FROM members WHERE room=$r; DELETE FROM read_markers WHERE room=$r;", ("$r", room));
            var deleted = r with { Deleted = true, FirstSeq = r.Head + 1 };
            b.PutRoom(deleted);
            return (RoomInfo?)deleted;
        }, null, CancellationToken.None);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListRoomsAsync(CancellationToken cancellationToken = default)
    {
        lock (_roomsLock)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([.. _rooms.Values.Where(r => !r.Deleted).Select(r => r.Room).Order(StringComparer.Ordinal)]);
        }
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(StoredMessage message, string? senderUserId, Action<StoredMessage>? onCommitted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Enqueue(new AppendOp(message, senderUserId, onCommitted), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredMessage>> ReadAsync(string room, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        while (true)
        {
            // The tail first, the table second (see JournalTail): a row moved in between is in the table.
            var (tail, version) = _tail.ReadRoom(room, afterSeq);
            AfterTailCopied?.Invoke();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT " + JoinedColumns + " FROM " + RoomRows + " WHERE i.room=$r AND i.seq>$a ORDER BY i.seq LIMIT $l";
            cmd.Parameters.AddWithValue("$r", room);
            cmd.Parameters.AddWithValue("$a", afterSeq);
            cmd.Parameters.AddWithValue("$l", limit);
            var rows = (List<StoredMessage>)await ReadMessagesAsync(cmd, cancellationToken);
            if (_tail.Version != version)
            {
                continue; // a trim or deletion ran in between: the tail copy may hold rows that are gone
            }

            // The table holds a room's oldest rows, the tail its newest: continue after the table's last, skipping overlap.
            var last = rows.Count > 0 ? rows[^1].Seq : afterSeq;
            foreach (var m in tail)
            {
                if (rows.Count >= limit)
                {
                    break;
                }

                if (m.Seq > last)
                {
                    rows.Add(m);
                    last = m.Seq;
                }
            }

            return rows;
        }
    }

    /// <inheritdoc />
    public ValueTask<long> TrimAsync(string room, RetentionCut cut, CancellationToken cancellationToken = default) =>
        EnqueueAsync(b =>
        {
            var r = b.Room(room);
            if (r is null or { Deleted: true })
            {
                return r?.FirstSeq ?? 1;
            }

            // Removable: the oldest messages while there are too many or they are older than the age cut, never into a
            // protected range (the in-memory log's rule). The age query and the delete below need every row indexed
            // (a no-op when an earlier trim of the sweep already indexed the journal).
            b.IndexJournal();
            var byCount = Math.Max(r.Head - cut.MaxMessages, r.FirstSeq - 1);
            // The first message after the count cut young enough to stay: a walk in seq order that stops there, so a
            // sweep costs what it removes. Asking for the newest message older than the cut instead read every row of
            // the room, ~200 ms per 100,000 messages on the writer thread, for every room once a minute
            // (bench/results/sqlite-retention.md).
            var firstYoung = b.Scalar(
                "SELECT i.seq FROM " + RoomRows + " WHERE i.room=$r AND i.seq>$s AND j.at>=$t ORDER BY i.seq LIMIT 1",
                ("$r", room), ("$s", byCount), ("$t", cut.MinAtMs));
            var byAge = firstYoung > 0 ? firstYoung - 1 : r.Head;
            var upTo = Math.Min(byAge, cut.ProtectFromSeq - 1);
            return b.RemoveThrough(r, upTo) ? upTo + 1 : r.FirstSeq;
        }, null, cancellationToken);

    /// <inheritdoc />
    public async ValueTask RecordOutcomeAsync(SettlementOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await EnqueueAsync(b =>
        {
            b.PutOutcome(outcome);
            return true;
        }, null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<SettlementOutcome?> GetOutcomeAsync(string userId, string clientId, long seq, CancellationToken cancellationToken = default)
    {
        var inTail = _tail.FindAck(userId, clientId, seq);
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();

        // A nack, or an ack whose message is gone, is in outcomes; an ack of a retained message is its message row.
        cmd.CommandText = """
            SELECT id, room, room_seq, nack_code, nack_reason, at FROM outcomes WHERE user_id=$u AND client_id=$c AND seq=$s
            UNION ALL
            SELECT j.id, j.room, j.seq, NULL, NULL, j.at FROM ack_index a CROSS JOIN journal j ON j.pos=a.pos WHERE a.user_id=$u AND a.client_id=$c AND a.client_seq=$s
            LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$u", userId);
        cmd.Parameters.AddWithValue("$c", clientId);
        cmd.Parameters.AddWithValue("$s", seq);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return inTail is null ? null : new SettlementOutcome
            {
                UserId = userId, ClientId = clientId, Seq = seq, Id = inTail.Id, Room = inTail.Room, RoomSeq = inTail.Seq, At = inTail.At,
            };
        }

        return new SettlementOutcome
        {
            UserId = userId, ClientId = clientId, Seq = seq, Id = r.GetString(0), Room = r.GetString(1),
            RoomSeq = r.IsDBNull(2) ? null : r.GetInt64(2), NackCode = r.IsDBNull(3) ? null : r.GetString(3),
            NackReason = r.IsDBNull(4) ? null : r.GetString(4), At = r.GetInt64(5),
        };
    }

    /// <inheritdoc />
    public async ValueTask<long?> GetClientMarkAsync(string userId, string clientId, CancellationToken cancellationToken = default)
    {
        var inTail = _tail.MaxClientSeq(userId, clientId);
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        // The mark is the highest seq settled: an ack in a message row, an outcome, or a mark kept when those
        // were trimmed (appends write no mark row: each is one INSERT). Each part is one index seek.
        cmd.CommandText = """
            SELECT MAX(m) FROM (
                SELECT mark AS m FROM marks WHERE user_id=$u AND client_id=$c
                UNION ALL SELECT MAX(seq) FROM outcomes WHERE user_id=$u AND client_id=$c
                UNION ALL SELECT MAX(client_seq) FROM ack_index WHERE user_id=$u AND client_id=$c)
            """;
        cmd.Parameters.AddWithValue("$u", userId);
        cmd.Parameters.AddWithValue("$c", clientId);
        var inTables = await cmd.ExecuteScalarAsync(cancellationToken) is long m ? m : (long?)null;
        return inTail is null ? inTables : Math.Max(inTail.Value, inTables ?? long.MinValue);
    }

    /// <inheritdoc />
    public ValueTask<int> TrimOutcomesAsync(long olderThanAtMs, CancellationToken cancellationToken = default) =>
        EnqueueAsync(b =>
        {
            // Marks outlive outcomes: keep each client's highest trimmed seq before its rows go.
            b.Exec("""
                INSERT INTO marks(user_id, client_id, mark) SELECT user_id, client_id, MAX(seq) FROM outcomes WHERE at<$t GROUP BY user_id, client_id
                ON CONFLICT(user_id, client_id) DO UPDATE SET mark=MAX(mark, excluded.mark)
                """, ("$t", olderThanAtMs));
            return b.Exec("DELETE FROM outcomes WHERE at<$t", ("$t", olderThanAtMs));
        }, null, cancellationToken);

    /// <inheritdoc />
    public async ValueTask SetMembershipAsync(string room, string userId, MembershipState state, CancellationToken cancellationToken = default) =>
        await EnqueueAsync(b => b.Exec("INSERT INTO members(room, user_id, state) VALUES($r,$u,$s) ON CONFLICT(room, user_id) DO UPDATE SET state=excluded.state", ("$r", room), ("$u", userId), ("$s", (long)state)), null, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<MembershipState> GetMembershipAsync(string room, string userId, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT state FROM members WHERE room=$r AND user_id=$u";
        cmd.Parameters.AddWithValue("$r", room);
        cmd.Parameters.AddWithValue("$u", userId);
        return await cmd.ExecuteScalarAsync(cancellationToken) is long s ? (MembershipState)s : MembershipState.None;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> GetMembersAsync(string room, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT user_id FROM members WHERE room=$r AND state=1 ORDER BY user_id";
        cmd.Parameters.AddWithValue("$r", room);
        var users = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            users.Add(r.GetString(0));
        }

        return users;
    }

    /// <inheritdoc />
    public async ValueTask SetReadMarkerAsync(string room, string userId, long seq, CancellationToken cancellationToken = default) =>
        await EnqueueAsync(b => b.Exec("INSERT INTO read_markers(room, user_id, seq) VALUES($r,$u,$s) ON CONFLICT(room, user_id) DO UPDATE SET seq=MAX(seq, excluded.seq)", ("$r", room), ("$u", userId), ("$s", seq)), null, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<long?> GetReadMarkerAsync(string room, string userId, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq FROM read_markers WHERE room=$r AND user_id=$u";
        cmd.Parameters.AddWithValue("$r", room);
        cmd.Parameters.AddWithValue("$u", userId);
        return await cmd.ExecuteScalarAsync(cancellationToken) is long s ? s : null;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredMessage>> GetUnansweredAsync(string room, string assistantUserId, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        // The indexed rows and the unindexed ones past the mark, in one snapshot.
        cmd.CommandText = "WITH m AS (SELECT " + JoinedColumns + " FROM " + RoomRows + " WHERE i.room=$r "
            + "UNION SELECT " + MessageColumns + " FROM journal WHERE pos>(SELECT through FROM journal_indexed) AND room=$r) "
            + "SELECT * FROM m WHERE sender<>$a AND NOT EXISTS (SELECT 1 FROM m x WHERE x.answer_for=m.seq) ORDER BY seq";
        cmd.Parameters.AddWithValue("$r", room);
        cmd.Parameters.AddWithValue("$a", assistantUserId);
        return await ReadMessagesAsync(cmd, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writes.Writer.TryComplete();
        await _writerDone.Task;
        await _writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>A message row's columns, in the order every read and write of them uses (<see cref="JournalInsert"/> binds by it).</summary>
    internal const string MessageColumns = "room, seq, epoch, id, sender, client_id, client_seq, body, sent_at, basis, at, meta, answer_for";

    /// <summary>
    /// A room's indexed rows: <c>room_index i</c> joined to each entry's journal row <c>j</c>. CROSS JOIN keeps the
    /// index as the outer loop, so a room's rows are an index seek and a rowid lookup each, never a journal scan.
    /// </summary>
    private const string RoomRows = "room_index i CROSS JOIN journal j ON j.pos=i.pos";

    /// <summary><see cref="MessageColumns"/> of the journal aliased <c>j</c>, for reads through an index.</summary>
    private static readonly string JoinedColumns = "j." + MessageColumns.Replace(", ", ", j.", StringComparison.Ordinal);

    private static async Task<IReadOnlyList<StoredMessage>> ReadMessagesAsync(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        var list = new List<StoredMessage>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new StoredMessage
            {
                Room = r.GetString(0), Seq = r.GetInt64(1), Epoch = r.GetInt64(2), Id = r.GetString(3), From = r.GetString(4),
                ClientId = r.GetString(5), ClientSeq = r.GetInt64(6), Body = r.GetString(7), SentAt = r.GetInt64(8),
                Basis = r.GetInt64(9), At = r.GetInt64(10),
                Meta = r.IsDBNull(11) ? null : JsonSerializer.Deserialize(r.GetString(11), StorageJsonContext.Default.DictionaryStringString),
                AnswerFor = r.IsDBNull(12) ? null : r.GetInt64(12),
            });
        }

        return list;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(cancellationToken);
        return c;
    }

    /// <summary>The journal's last position (0: empty) and the indexed mark.</summary>
    private (long LastPos, long IndexedThrough) JournalBounds()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT COALESCE((SELECT MAX(pos) FROM journal), 0), (SELECT through FROM journal_indexed)";
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private void LoadRooms()
    {
        using var cmd = _writer.CreateCommand();
        // Appends do not rewrite their room's row (that was a second statement per message): a room's head is
        // its row's, or its highest stored message's when that is higher.
        cmd.CommandText = "SELECT name, epoch, MAX(head, COALESCE((SELECT MAX(seq) FROM room_index i WHERE i.room=rooms.name), 0)), first_seq, deleted FROM rooms";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            _rooms[r.GetString(0)] = new RoomInfo(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4) != 0);
        }
    }

    private static int Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, sql, tx, args);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row as an integer; 0 when there is none or it is NULL.</summary>
    private static long Scalar(SqliteConnection c, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, sql, tx, args);
        return cmd.ExecuteScalar() is long v ? v : 0;
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, SqliteTransaction? tx, (string Name, object Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd;
    }
}
