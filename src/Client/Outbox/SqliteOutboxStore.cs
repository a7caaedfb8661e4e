using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ChatResilience.Client.Outbox;

/// <summary>
/// The durable outbox: SQLite in WAL mode; entries, room cursors and the next seq live in one database and
/// change together in transactions. Concurrent operations are group-committed: the first caller starts a
/// commit round that takes everything queued meanwhile into one transaction, so throughput grows with
/// concurrency instead of paying one commit per append. Seqs are assigned in memory at enqueue (so the
/// order of calls is the order of seqs) and persisted in the same transaction as the entry; a failed
/// commit faults the store, because a seq that was handed out but not stored would leave a hole the
/// server waits on forever.
/// </summary>
public sealed class SqliteOutboxStore : IOutboxStore
{
    private readonly SqliteOutboxOptions _options;
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _upsertCursor;
    private readonly SqliteCommand _deleteCursor;
    private readonly SqliteCommand _saveNextSeq;
    private List<PendingOp> _pending = [];
    private List<PendingOp> _spare = [];
    private bool _committing;
    private Exception? _fault;
    private long _nextSeq;
    private int _count;
    private bool _disposed;

    private SqliteOutboxStore(SqliteOutboxOptions options, SqliteConnection connection, long nextSeq, int count)
    {
        _options = options;
        _connection = connection;
        _nextSeq = nextSeq;
        _count = count;
        _insert = Prepare("INSERT INTO outbox(seq, id, room, body, meta, created_at, basis) VALUES ($seq, $id, $room, $body, $meta, $created, $basis)",
            "$seq", "$id", "$room", "$body", "$meta", "$created", "$basis");
        _delete = Prepare("DELETE FROM outbox WHERE seq = $seq", "$seq");
        _upsertCursor = Prepare("INSERT INTO cursors(room, epoch, after) VALUES ($room, $epoch, $after) ON CONFLICT(room) DO UPDATE SET epoch = excluded.epoch, after = excluded.after",
            "$room", "$epoch", "$after");
        _deleteCursor = Prepare("DELETE FROM cursors WHERE room = $room", "$room");
        _saveNextSeq = Prepare("INSERT INTO meta(key, value) VALUES ('next_seq', $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", "$v");
    }

    /// <summary>Opens (creating if needed) the database at <see cref="SqliteOutboxOptions.Path"/>.</summary>
    public static SqliteOutboxStore Open(SqliteOutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, options.SyncEveryCommit ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, id TEXT NOT NULL, room TEXT NOT NULL,
                    body TEXT NOT NULL, meta TEXT NULL, created_at INTEGER NOT NULL, basis INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS cursors(room TEXT PRIMARY KEY, epoch INTEGER NOT NULL, after INTEGER NOT NULL);
                """);
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT COALESCE((SELECT value FROM meta WHERE key = 'next_seq'), 1), (SELECT COUNT(*) FROM outbox), COALESCE((SELECT MAX(seq) FROM outbox), 0)";
            using var reader = read.ExecuteReader();
            reader.Read();
            var nextSeq = Math.Max(reader.GetInt64(0), reader.GetInt64(2) + 1);
            return new SqliteOutboxStore(options, connection, nextSeq, reader.GetInt32(1));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public async ValueTask<OutboxSnapshot> LoadAsync(CancellationToken cancellationToken = default)
    {
        var op = new PendingOp(OpKind.Load);
        Enqueue(op);
        await op.Completion.Task.WaitAsync(cancellationToken);
        return (OutboxSnapshot)op.Result!;
    }

    /// <inheritdoc />
    public async ValueTask<OutboxEntry> AppendAsync(OutboxDraft draft, int capacity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        cancellationToken.ThrowIfCancellationRequested();
        PendingOp op;
        lock (_gate)
        {
            ThrowIfUnusable();
            if (_count >= capacity)
            {
                throw new OutboxFullException($"the outbox holds {_count} unsettled messages (capacity {capacity})") { Capacity = capacity };
            }

            _count++;
            op = new PendingOp(OpKind.Append) { Entry = draft.ToEntry(_nextSeq++) };
            EnqueueLocked(op);
        }

        await op.Completion.Task;
        return op.Entry!;
    }

    /// <inheritdoc />
    public async ValueTask SettleAsync(long seq, CancellationToken cancellationToken = default)
    {
        var op = new PendingOp(OpKind.Settle) { Seq = seq };
        Enqueue(op);
        await op.Completion.Task;
    }

    /// <inheritdoc />
    public async ValueTask SaveCursorAsync(RoomCursorState cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var op = new PendingOp(OpKind.SaveCursor) { Cursor = cursor };
        Enqueue(op);
        await op.Completion.Task;
    }

    /// <inheritdoc />
    public async ValueTask RemoveCursorAsync(string room, CancellationToken cancellationToken = default)
    {
        var op = new PendingOp(OpKind.RemoveCursor) { Cursor = new RoomCursorState(room, 0, 0) };
        Enqueue(op);
        await op.Completion.Task;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var op = new PendingOp(OpKind.Barrier);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            EnqueueLocked(op);
            _disposed = true;
        }

        try
        {
            await op.Completion.Task;
        }
        catch (InvalidOperationException)
        {
            // A faulted store still releases its file.
        }

        foreach (var command in new[] { _insert, _delete, _upsertCursor, _deleteCursor, _saveNextSeq })
        {
            command.Dispose();
        }

        await _connection.DisposeAsync();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private void Enqueue(PendingOp op)
    {
        lock (_gate)
        {
            ThrowIfUnusable();
            EnqueueLocked(op);
        }
    }

    private void EnqueueLocked(PendingOp op)
    {
        _pending.Add(op);
        if (!_committing)
        {
            _committing = true;
            _ = CommitLoopAsync();
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is not null)
        {
            throw new InvalidOperationException("the outbox store failed earlier and refuses further changes", _fault);
        }
    }

    // Never throws: every failure is delivered to the operations of the failed batch (and later callers).
    private async Task CommitLoopAsync()
    {
        // Yield once so callers that enqueue in a burst on this thread join the first batch.
        await Task.Yield();
        while (true)
        {
            List<PendingOp> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _committing = false;
                    return;
                }

                batch = _pending;
                _pending = _spare;
                _spare = [];
            }

            Exception? failure = null;
            try
            {
                CommitBatch(batch);
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException or JsonException)
            {
                failure = e;
                lock (_gate)
                {
                    _fault ??= e;
                }
            }

            foreach (var op in batch)
            {
                if (failure is null)
                {
                    op.Completion.TrySetResult();
                }
                else
                {
                    op.Completion.TrySetException(new InvalidOperationException("the outbox store could not commit", failure));
                }
            }

            batch.Clear();
            lock (_gate)
            {
                _spare = batch;
            }
        }
    }

    private void CommitBatch(List<PendingOp> batch)
    {
        for (var start = 0; start < batch.Count; start += _options.MaxBatch)
        {
            var end = Math.Min(batch.Count, start + _options.MaxBatch);
            using var transaction = _connection.BeginTransaction();
            long maxSeq = 0;
            for (var i = start; i < end; i++)
            {
                maxSeq = Math.Max(maxSeq, Apply(batch[i], transaction));
            }

            if (maxSeq > 0)
            {
                _saveNextSeq.Transaction = transaction;
                _saveNextSeq.Parameters[0].Value = maxSeq + 1;
                _saveNextSeq.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    private long Apply(PendingOp op, SqliteTransaction transaction)
    {
        switch (op.Kind)
        {
            case OpKind.Append:
                var e = op.Entry!;
                _insert.Transaction = transaction;
                _insert.Parameters[0].Value = e.Seq;
                _insert.Parameters[1].Value = e.Id;
                _insert.Parameters[2].Value = e.Room;
                _insert.Parameters[3].Value = e.Body;
                _insert.Parameters[4].Value = e.Meta is null ? DBNull.Value : JsonSerializer.Serialize(new Dictionary<string, string>(e.Meta), OutboxJsonContext.Default.DictionaryStringString);
                _insert.Parameters[5].Value = e.CreatedAtMs;
                _insert.Parameters[6].Value = e.Basis;
                _insert.ExecuteNonQuery();
                return e.Seq;
            case OpKind.Settle:
                _delete.Transaction = transaction;
                _delete.Parameters[0].Value = op.Seq;
                if (_delete.ExecuteNonQuery() > 0)
                {
                    Interlocked.Decrement(ref _count);
                }

                return 0;
            case OpKind.SaveCursor:
                _upsertCursor.Transaction = transaction;
                _upsertCursor.Parameters[0].Value = op.Cursor!.Room;
                _upsertCursor.Parameters[1].Value = op.Cursor.Epoch;
                _upsertCursor.Parameters[2].Value = op.Cursor.After;
                _upsertCursor.ExecuteNonQuery();
                return 0;
            case OpKind.RemoveCursor:
                _deleteCursor.Transaction = transaction;
                _deleteCursor.Parameters[0].Value = op.Cursor!.Room;
                _deleteCursor.ExecuteNonQuery();
                return 0;
            case OpKind.Load:
                op.Result = ReadSnapshot(transaction);
                return 0;
            default:
                return 0;
        }
    }

    private OutboxSnapshot ReadSnapshot(SqliteTransaction transaction)
    {
        var entries = new List<OutboxEntry>();
        using (var command = _connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT seq, id, room, body, meta, created_at, basis FROM outbox ORDER BY seq";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(new OutboxEntry
                {
                    Seq = reader.GetInt64(0),
                    Id = reader.GetString(1),
                    Room = reader.GetString(2),
                    Body = reader.GetString(3),
                    Meta = reader.IsDBNull(4) ? null : JsonSerializer.Deserialize(reader.GetString(4), OutboxJsonContext.Default.DictionaryStringString),
                    CreatedAtMs = reader.GetInt64(5),
                    Basis = reader.GetInt64(6),
                });
            }
        }

        var cursors = new List<RoomCursorState>();
        using (var command = _connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT room, epoch, after FROM cursors ORDER BY room";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cursors.Add(new RoomCursorState(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        return new OutboxSnapshot(entries, cursors, Volatile.Read(ref _nextSeq));
    }

    private enum OpKind
    {
        Append,
        Settle,
        SaveCursor,
        RemoveCursor,
        Load,
        Barrier,
    }

    private sealed class PendingOp(OpKind kind)
    {
        public OpKind Kind { get; } = kind;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OutboxEntry? Entry { get; init; }

        public long Seq { get; init; }

        public RoomCursorState? Cursor { get; init; }

        public object? Result { get; set; }
    }
}
