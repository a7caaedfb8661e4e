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
/// </summary>
public sealed partial class SqliteMessageLog : IMessageLog
{
    private readonly string _connectionString;
    private readonly Channel<WriteOp> _writes;
    private readonly SqliteConnection _writer;
    private readonly Task _writerTask;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxBatch;
    private readonly Dictionary<string, RoomInfo> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _roomsLock = new();
    private int _disposed;

    private SqliteMessageLog(string path, TimeProvider timeProvider, int maxBatch, bool synchronousFull)
    {
        _timeProvider = timeProvider;
        _maxBatch = maxBatch;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Exec(_writer, Schema);
        Migrate(_writer);
        Exec(_writer, synchronousFull ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
        LoadRooms();
        _writes = Channel.CreateBounded<WriteOp>(new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _writerTask = Task.Run(WriteLoopAsync);
    }

    /// <summary>Called after each commit with its duration and number of operations (for metrics).</summary>
    public Action<TimeSpan, int>? CommitObserved { get; set; }

    /// <summary>Opens (creating if needed) the log at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="timeProvider">Clock for commit-latency metrics.</param>
    /// <param name="groupCommitMaxBatch">Most operations per transaction.</param>
    /// <param name="synchronousFull">PRAGMA synchronous FULL (default; survives power loss) or NORMAL (survives a process kill).</param>
    public static SqliteMessageLog Open(string path, TimeProvider? timeProvider = null, int groupCommitMaxBatch = 512, bool synchronousFull = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new SqliteMessageLog(path, timeProvider ?? TimeProvider.System, groupCommitMaxBatch, synchronousFull);
    }

    private const string Schema = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE IF NOT EXISTS rooms(name TEXT PRIMARY KEY, epoch INTEGER NOT NULL, head INTEGER NOT NULL, first_seq INTEGER NOT NULL, deleted INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS messages(room TEXT NOT NULL, seq INTEGER NOT NULL, epoch INTEGER NOT NULL, id TEXT NOT NULL, sender TEXT NOT NULL,
            client_id TEXT NOT NULL, client_seq INTEGER NOT NULL, body TEXT NOT NULL, sent_at INTEGER NOT NULL, basis INTEGER NOT NULL, at INTEGER NOT NULL,
            meta TEXT NULL, answer_for INTEGER NULL, outcome_user TEXT NULL, PRIMARY KEY(room, seq)) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS messages_answer ON messages(room, answer_for) WHERE answer_for IS NOT NULL;
        CREATE TABLE IF NOT EXISTS outcomes(user_id TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, room TEXT NOT NULL,
            room_seq INTEGER NULL, nack_code TEXT NULL, nack_reason TEXT NULL, at INTEGER NOT NULL, PRIMARY KEY(user_id, client_id, seq)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS outcomes_at ON outcomes(at);
        CREATE TABLE IF NOT EXISTS marks(user_id TEXT NOT NULL, client_id TEXT NOT NULL, mark INTEGER NOT NULL, PRIMARY KEY(user_id, client_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS members(room TEXT NOT NULL, user_id TEXT NOT NULL, state INTEGER NOT NULL, PRIMARY KEY(room, user_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS read_markers(room TEXT NOT NULL, user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(room, user_id)) WITHOUT ROWID;
        """;

    // An acked send is one row: the message row carries its sender's ack (outcome_user), found through this
    // index; the outcomes table keeps nacks, and acks whose message was trimmed or deleted (copied there first).
    private const string OutcomeIndex = """
        CREATE INDEX IF NOT EXISTS messages_outcome ON messages(outcome_user, client_id, client_seq) WHERE outcome_user IS NOT NULL;
        """;

    // Before message rows go (retention, room deletion): their acks move to the outcomes table, so dedup still
    // answers them for the outcome retention period, and the client's mark (derived from both) is kept.
    private const string KeepAckOutcomes = """
        INSERT OR IGNORE INTO outcomes(user_id, client_id, seq, id, room, room_seq, nack_code, nack_reason, at)
        SELECT outcome_user, client_id, client_seq, id, room, seq, NULL, NULL, at FROM messages
        """;

    /// <summary>Adds what a file written by an older version lacks (the ack column and its index).</summary>
    private static void Migrate(SqliteConnection c)
    {
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT COUNT(*) FROM pragma_table_info('messages') WHERE name='outcome_user'";
            if (cmd.ExecuteScalar() is 0L)
            {
                Exec(c, "ALTER TABLE messages ADD COLUMN outcome_user TEXT NULL");
            }
        }

        Exec(c, OutcomeIndex);
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
    public ValueTask<RoomInfo?> DeleteRoomAsync(string room, CancellationToken cancellationToken = default) =>
        EnqueueAsync(b =>
        {
            var r = b.Room(room);
            if (r is null or { Deleted: true })
            {
                return null;
            }

            b.Exec(KeepAckOutcomes + " WHERE room=$r AND outcome_user IS NOT NULL; DELETE FROM messages WHERE room=$r; DELETE FROM members WHERE room=$r; DELETE FROM read_markers WHERE room=$r;", ("$r", room));
            var deleted = r with { Deleted = true, FirstSeq = r.Head + 1 };
            b.PutRoom(deleted);
            return (RoomInfo?)deleted;
        }, null, cancellationToken);

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
        return EnqueueAsync(b => b.Append(message, senderUserId), r =>
        {
            if (!r.Duplicate)
            {
                onCommitted?.Invoke(r.Message);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredMessage>> ReadAsync(string room, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT " + MessageColumns + " FROM messages WHERE room=$r AND seq>$a ORDER BY seq LIMIT $l";
        cmd.Parameters.AddWithValue("$r", room);
        cmd.Parameters.AddWithValue("$a", afterSeq);
        cmd.Parameters.AddWithValue("$l", limit);
        return await ReadMessagesAsync(cmd, cancellationToken);
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

            // Highest seq removable: by count, or by age (the last message older than the cut), never into a protected range.
            var byCount = r.Head - cut.MaxMessages;
            var byAge = b.Scalar("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room=$r AND at<$t", ("$r", room), ("$t", cut.MinAtMs));
            var upTo = Math.Min(Math.Max(byCount, byAge), cut.ProtectFromSeq - 1);
            if (upTo < r.FirstSeq)
            {
                return r.FirstSeq;
            }

            b.Exec(KeepAckOutcomes + " WHERE room=$r AND seq<=$s AND outcome_user IS NOT NULL; DELETE FROM messages WHERE room=$r AND seq<=$s", ("$r", room), ("$s", upTo));
            b.PutRoom(r with { FirstSeq = upTo + 1 });
            return upTo + 1;
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
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();

        // A nack, or an ack whose message is gone, is in outcomes; an ack of a retained message is its message row.
        cmd.CommandText = """
            SELECT id, room, room_seq, nack_code, nack_reason, at FROM outcomes WHERE user_id=$u AND client_id=$c AND seq=$s
            UNION ALL
            SELECT id, room, seq, NULL, NULL, at FROM messages WHERE outcome_user=$u AND client_id=$c AND client_seq=$s
            LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$u", userId);
        cmd.Parameters.AddWithValue("$c", clientId);
        cmd.Parameters.AddWithValue("$s", seq);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
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
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        // The mark is the highest seq settled: an ack in a message row, an outcome, or a mark kept when those
        // were trimmed (appends write no mark row: each is one INSERT). Each part is one index seek.
        cmd.CommandText = """
            SELECT MAX(m) FROM (
                SELECT mark AS m FROM marks WHERE user_id=$u AND client_id=$c
                UNION ALL SELECT MAX(seq) FROM outcomes WHERE user_id=$u AND client_id=$c
                UNION ALL SELECT MAX(client_seq) FROM messages WHERE outcome_user=$u AND client_id=$c)
            """;
        cmd.Parameters.AddWithValue("$u", userId);
        cmd.Parameters.AddWithValue("$c", clientId);
        return await cmd.ExecuteScalarAsync(cancellationToken) is long m ? m : null;
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
        cmd.CommandText = "SELECT " + MessageColumns + " FROM messages m WHERE room=$r AND sender<>$a AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.room=m.room AND x.answer_for=m.seq) ORDER BY seq";
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
        await _writerTask;
        await _writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private const string MessageColumns = "room, seq, epoch, id, sender, client_id, client_seq, body, sent_at, basis, at, meta, answer_for";

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

    private void LoadRooms()
    {
        using var cmd = _writer.CreateCommand();
        // Appends do not rewrite their room's row (that was a second statement per message): a room's head is
        // its row's, or its highest stored message's when that is higher.
        cmd.CommandText = "SELECT name, epoch, MAX(head, COALESCE((SELECT MAX(seq) FROM messages m WHERE m.room=rooms.name), 0)), first_seq, deleted FROM rooms";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            _rooms[r.GetString(0)] = new RoomInfo(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4) != 0);
        }
    }

    private static int Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] args)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd.ExecuteNonQuery();
    }
}
