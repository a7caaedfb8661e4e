using System.Text.Json;
using System.Threading.Tasks.Sources;
using Microsoft.Data.Sqlite;

namespace ChatResilience.Server.Storage;

/// <summary>The single writer: group commit of every queued mutation.</summary>
public sealed partial class SqliteMessageLog
{
    private JournalInsert? _journalInsert;
    private JournalIndexer? _indexer;
    private SqliteCommand? _upsertOutcome;
    private SqliteCommand? _upsertRoom;

    // The next journal position (set when the log opens); only the writer thread touches it.
    private long _nextPos;

    // Tail rows at which the writer next indexes the journal: the index batch, raised by a batch after each failure
    // so a persistent failure is retried (and logged) once per batch of appends rather than after every commit.
    private int _indexAt;

    // Journal rows marked dead and not yet deleted (counted when the log opens); only the writer thread touches it.
    private long _deadRows;

    // Dead rows at which the writer next deletes a chunk: raised by a chunk after each failure, like _indexAt.
    private long _deadRowsRetryAt;

    // Set by a committed room deletion: every dead row goes, whether or not a chunk has gathered.
    private bool _deadRowsFlush;

    private ValueTask<T> EnqueueAsync<T>(Func<Batch, T> execute, Action<T>? afterCommit, CancellationToken cancellationToken) =>
        Enqueue(new DelegateOp<T>(execute, afterCommit), cancellationToken);

    /// <summary>Queues <paramref name="op"/> for the writer; returns what its caller awaits.</summary>
    private ValueTask<T> Enqueue<T>(WriteOp<T> op, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return ValueTask.FromException<T>(new ObjectDisposedException(nameof(SqliteMessageLog)));
        }

        return _writes.Writer.TryWrite(op) ? op.Task : SlowEnqueueAsync(op, cancellationToken);
    }

    private async ValueTask<T> SlowEnqueueAsync<T>(WriteOp<T> op, CancellationToken cancellationToken)
    {
        try
        {
            await _writes.Writer.WriteAsync(op, cancellationToken);
        }
        catch (System.Threading.Channels.ChannelClosedException e)
        {
            throw new ObjectDisposedException("the log is closed", e);
        }

        return await op.Task;
    }

    private void RunWriter()
    {
        try
        {
            WriteLoop();
            _writerDone.SetResult();
        }
        catch (Exception e)
        {
            // Kept for DisposeAsync to rethrow: an exception escaping a thread of our own would end the process.
            _writerDone.SetException(e);
        }
        finally
        {
            // Before the connection closes (DisposeAsync waits for this thread first).
            _journalInsert?.Dispose();
            _indexer?.Dispose();
        }
    }

    private void WriteLoop()
    {
        var ops = new List<WriteOp>(_maxBatch);
        var reader = _writes.Reader;
        // While a batch is being indexed, or dead rows wait, the writer does not wait for work: it indexes a slice or
        // deletes a chunk between group commits.
        while (_indexer?.Running == true || DeadRowsDue ? !reader.Completion.IsCompleted : WaitToRead(reader))
        {
            ops.Clear();
            while (ops.Count < _maxBatch && reader.TryRead(out var op))
            {
                ops.Add(op);
            }

            if (ops.Count > 0)
            {
                CommitBatch(ops);
            }

            if (_indexer?.Running != true && _tail.Count >= Math.Max(_indexAt, IndexThreshold()))
            {
                (_indexer ??= new JournalIndexer(_writer)).Start(_tail.Rows(), IndexSlices, MinIndexSliceEntries);
            }

            if (_indexer?.Running == true)
            {
                IndexNextSlice();
            }
            else if (DeadRowsDue)
            {
                DeleteDeadRows();
            }
        }

        // A clean shutdown leaves nothing in the journal.
        _indexer?.Stop();
        if (_tail.Count > 0)
        {
            IndexTail();
        }
    }

    /// <summary>Commits <paramref name="ops"/> in one transaction, then completes each.</summary>
    private void CommitBatch(List<WriteOp> ops)
    {
        var started = _timeProvider.GetTimestamp();
        var batch = new Batch(this);
        var firstPos = _nextPos;
        try
        {
            using (var tx = _writer.BeginTransaction())
            {
                batch.Transaction = tx;
                foreach (var op in ops)
                {
                    op.Execute(batch);
                }

                batch.FlushPending();

                tx.Commit();
            }

            _tail.Commit(batch.IndexedThrough, batch.Appended, batch.MessagesDeleted);
            _deadRows += batch.RowsDied;
            _deadRowsFlush |= batch.DeadRowsMustGo;
            if (_indexer?.Running == true && batch.IndexedThrough >= _indexer.Through)
            {
                // A trim indexed the whole journal first, the running batch included.
                _indexer.Stop();
                _indexAt = _indexBatch;
            }

            lock (_roomsLock)
            {
                foreach (var (name, info) in batch.Changed)
                {
                    _rooms[name] = info;
                }
            }

            CommitObserved?.Invoke(_timeProvider.GetElapsedTime(started), ops.Count);
            foreach (var op in ops)
            {
                op.Complete();
            }
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            _nextPos = firstPos; // the rolled-back rows never were
            foreach (var op in ops)
            {
                op.Fail(e);
            }
        }
    }

    private bool DeadRowsDue => _deadRows > 0 && (_deadRowsFlush || _deadRows >= Math.Max(DeadRowsChunk, _deadRowsRetryAt));

    /// <summary>
    /// Deletes the oldest <see cref="DeadRowsChunk"/> dead journal rows in a transaction of their own, in position
    /// order. Nothing reads them (no index points at them), so this can wait for a quiet moment between commits.
    /// </summary>
    private void DeleteDeadRows()
    {
        try
        {
            int deleted;
            using (var tx = _writer.BeginTransaction())
            {
                var through = Scalar(_writer, "SELECT MAX(pos) FROM (SELECT pos FROM dead_rows ORDER BY pos LIMIT $n)", tx, ("$n", DeadRowsChunk));
                Exec(_writer, "DELETE FROM journal WHERE pos IN (SELECT pos FROM dead_rows WHERE pos<=$p)", tx, ("$p", through));
                deleted = Exec(_writer, "DELETE FROM dead_rows WHERE pos<=$p", tx, ("$p", through));
                tx.Commit();
            }

            // Fewer than a chunk means none are left: the count cannot drift into deleting nothing again and again.
            _deadRows = deleted < DeadRowsChunk ? 0 : _deadRows - deleted;
            _deadRowsRetryAt = 0;
            _deadRowsFlush &= _deadRows > 0;
            AfterDeadRowsDeleted?.Invoke();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            // The rows stay dead and unseen; deleting them is retried once another chunk has died.
            _deadRowsRetryAt = _deadRows + DeadRowsChunk;
            _deadRowsFlush = false;
            DeadRowsDeleteFailed?.Invoke(e);
        }
    }

    /// <summary>
    /// Indexes the running batch's next slice in a transaction of its own; the last slice moves the mark and takes
    /// the batch out of the tail.
    /// </summary>
    private void IndexNextSlice()
    {
        var indexer = _indexer!;
        try
        {
            bool done;
            using (var tx = _writer.BeginTransaction())
            {
                done = indexer.IndexNext();
                if (done)
                {
                    Exec(_writer, MarkIndexedSql, tx, ("$p", indexer.Through));
                }

                tx.Commit();
            }

            if (done)
            {
                _tail.Commit(indexer.Through, [], deletedMessages: false);
                indexer.Stop();
                _indexAt = _indexBatch;
            }

            AfterIndexSlice?.Invoke();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            // The rows stay in the tail, where readers still see them; the batch is indexed again from the mark.
            indexer.Stop();
            _indexAt = _tail.Count + _indexBatch;
            IndexFailed?.Invoke(e);
        }
    }

    /// <summary>
    /// Tail rows at which the writer indexes: the index batch, or more when many rooms and clients share the tail (see
    /// <see cref="DefaultIndexRowsPerKey"/>), up to <see cref="MaxIndexBatchFactor"/> batches.
    /// </summary>
    private int IndexThreshold() =>
        Math.Max(_indexBatch, (int)Math.Min((long)_indexRowsPerKey * _tail.Keys, (long)_indexBatch * MaxIndexBatchFactor));

    /// <summary>Blocks the writer thread until an operation is queued; false once the queue is closed and empty.</summary>
    private static bool WaitToRead(System.Threading.Channels.ChannelReader<WriteOp> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Indexes the journal's rows through position <paramref name="through"/>, in a transaction of its own.</summary>
    private void IndexJournalThrough(long through)
    {
        using var tx = _writer.BeginTransaction();
        Exec(_writer, IndexJournalSql, tx, ("$p", through));
        tx.Commit();
    }

    /// <summary>Indexes the whole tail in one transaction of its own: at shutdown, when no append waits behind it.</summary>
    private void IndexTail()
    {
        var through = _tail.LastPos;
        try
        {
            IndexJournalThrough(through);
            _tail.Commit(through, [], deletedMessages: false);
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            // The rows stay unindexed; the next open indexes them before serving.
            IndexFailed?.Invoke(e);
        }
    }

    private abstract class WriteOp
    {
        public abstract void Execute(Batch batch);

        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    /// <summary>
    /// An operation whose caller awaits a <typeparamref name="T"/>: the op is itself what is awaited (awaited once),
    /// so an operation costs no task of its own. Continuations run on the thread pool, never on the writer thread.
    /// </summary>
    private abstract class WriteOp<T> : WriteOp, IValueTaskSource<T>
    {
        private ManualResetValueTaskSourceCore<T> _completion = new() { RunContinuationsAsynchronously = true };
        private T? _result;
        private Exception? _error;
        private bool _done;

        /// <summary>What the caller awaits (a new op per call, so the version never changes).</summary>
        public ValueTask<T> Task => new(this, _completion.Version);

        public sealed override void Execute(Batch batch)
        {
            try
            {
                _result = Run(batch);
            }
            catch (RoomUnavailableException e)
            {
                // A refusal decided before any write: this op fails alone, the batch commits.
                _error = e;
            }
        }

        public sealed override void Complete()
        {
            if (_error is not null)
            {
                Fail(_error);
                return;
            }

            try
            {
                AfterCommit(_result!);
            }
            finally
            {
                if (!_done)
                {
                    _done = true;
                    _completion.SetResult(_result!);
                }
            }
        }

        // Only the writer thread completes an op; a failure after Complete (a later op of the batch threw) is ignored.
        public sealed override void Fail(Exception error)
        {
            if (!_done)
            {
                _done = true;
                _completion.SetException(error);
            }
        }

        T IValueTaskSource<T>.GetResult(short token) => _completion.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => _completion.GetStatus(token);

        void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _completion.OnCompleted(continuation, state, token, flags);

        /// <summary>The op's statements, inside the batch's transaction.</summary>
        protected abstract T Run(Batch batch);

        /// <summary>Runs on the writer thread after the commit, before the caller resumes.</summary>
        protected virtual void AfterCommit(T result)
        {
        }
    }

    /// <summary>An operation given as delegates: the log's less frequent mutations.</summary>
    private sealed class DelegateOp<T>(Func<Batch, T> execute, Action<T>? afterCommit) : WriteOp<T>
    {
        protected override T Run(Batch batch) => execute(batch);

        protected override void AfterCommit(T result) => afterCommit?.Invoke(result);
    }

    /// <summary>
    /// An append: the message, its sender and the publish callback in one object. As a <see cref="DelegateOp{T}"/>
    /// with a <see cref="TaskCompletionSource{T}"/>, an acked send cost two closures, their delegates, the source and
    /// its task, all alive until the commit; at 1,000 connections x window 16 they survive into gen 1 (~600 ms in
    /// flight).
    /// </summary>
    private sealed class AppendOp(StoredMessage message, string? senderUserId, Action<StoredMessage>? onCommitted) : WriteOp<AppendResult>
    {
        protected override AppendResult Run(Batch batch) => batch.Append(message, senderUserId);

        protected override void AfterCommit(AppendResult result)
        {
            if (!result.Duplicate)
            {
                onCommitted?.Invoke(result.Message);
            }
        }
    }

    /// <summary>One transaction's view: committed rooms overlaid with this batch's changes.</summary>
    private sealed class Batch(SqliteMessageLog log)
    {
        public Dictionary<string, RoomInfo> Changed { get; } = new(StringComparer.Ordinal);

        /// <summary>Rows this batch wrote to the journal.</summary>
        public List<JournalTail.Entry> Appended { get; } = [];

        /// <summary>The journal position through which this batch indexed rows (0: none).</summary>
        public long IndexedThrough { get; private set; }

        /// <summary>Whether this batch deleted messages (a trim, a room deletion).</summary>
        public bool MessagesDeleted { get; set; }

        /// <summary>Journal rows this batch marked dead (see <see cref="MarkRowsDeadThroughSql"/>).</summary>
        public long RowsDied { get; private set; }

        /// <summary>Set by a room deletion: once this batch commits, every dead row is deleted, not only full chunks.</summary>
        public bool DeadRowsMustGo { get; set; }

        /// <summary>Indexes every journal row, this batch's included, within the batch's transaction.</summary>
        public void IndexJournal()
        {
            var through = log._nextPos - 1;
            if (through > IndexedThrough && (log._tail.Count > 0 || Appended.Count > 0))
            {
                Exec(IndexJournalSql, ("$p", through));
                IndexedThrough = through;
            }
        }

        public SqliteTransaction? Transaction { get; set; }

        public RoomInfo? Room(string name)
        {
            if (Changed.TryGetValue(name, out var r))
            {
                return r;
            }

            lock (log._roomsLock)
            {
                return log._rooms.GetValueOrDefault(name);
            }
        }

        /// <summary>Rooms whose row must be written (created, deleted, trimmed); an append only moves the head in memory.</summary>
        public HashSet<string> Dirty { get; } = new(StringComparer.Ordinal);

        /// <summary>Records a room's new state; <paramref name="persist"/> false when the messages table already implies it.</summary>
        public void PutRoom(RoomInfo r, bool persist = true)
        {
            Changed[r.Room] = r;
            if (persist)
            {
                Dirty.Add(r.Room);
            }
        }

        /// <summary>Writes each dirty room's row once per batch, with its latest state.</summary>
        public void FlushPending()
        {
            var upsert = log._upsertRoom ??= Prepare(
                "INSERT INTO rooms(name, epoch, head, first_seq, deleted) VALUES($n,$e,$h,$f,$d) ON CONFLICT(name) DO UPDATE SET epoch=excluded.epoch, head=excluded.head, first_seq=excluded.first_seq, deleted=excluded.deleted",
                "$n", "$e", "$h", "$f", "$d");
            foreach (var name in Dirty)
            {
                var r = Changed[name];
                Run(upsert, r.Room, r.Epoch, r.Head, r.FirstSeq, r.Deleted ? 1L : 0L);
            }
        }

        public int Exec(string sql, params (string Name, object Value)[] args) => SqliteMessageLog.Exec(log._writer, sql, Transaction, args);

        public long Scalar(string sql, params (string Name, object Value)[] args) => SqliteMessageLog.Scalar(log._writer, sql, Transaction, args);

        public AppendResult Append(StoredMessage message, string? senderUserId)
        {
            var r = Room(message.Room);
            if (r is null or { Deleted: true })
            {
                throw new RoomUnavailableException($"room '{message.Room}' does not exist");
            }

            if (message.AnswerFor is { } trigger)
            {
                // Straight from the journal: a dead answer has forgotten its question (ForgetDeadAnswersThroughSql).
                using var find = log._writer.CreateCommand();
                find.Transaction = Transaction;
                find.CommandText = "SELECT " + MessageColumns + " FROM journal WHERE room=$r AND answer_for=$a";
                find.Parameters.AddWithValue("$r", message.Room);
                find.Parameters.AddWithValue("$a", trigger);
                var existing = ReadMessagesAsync(find, CancellationToken.None).GetAwaiter().GetResult();
                if (existing.Count > 0)
                {
                    return new AppendResult(existing[0], Duplicate: true);
                }
            }

            var stored = message with { Epoch = r.Epoch, Seq = r.Head + 1 };
            // The sender's ack is this row (outcome_user): an acked send is one INSERT at the journal's end, and the
            // client's mark is derived from it (see GetClientMarkAsync).
            var insert = log._journalInsert ??= new JournalInsert(log._writer);
            var pos = log._nextPos++;
            Appended.Add(new JournalTail.Entry(pos, stored, senderUserId));
            insert.Execute(pos, stored,
                stored.Meta is null ? null : JsonSerializer.Serialize(new Dictionary<string, string>(stored.Meta), StorageJsonContext.Default.DictionaryStringString),
                senderUserId);

            // Only the head moves, in memory: after a restart the head is recovered from the messages themselves.
            PutRoom(r with { Head = stored.Seq, FirstSeq = r.FirstSeq > r.Head ? stored.Seq : r.FirstSeq }, persist: r.FirstSeq > r.Head && r.FirstSeq != stored.Seq);
            return new AppendResult(stored, Duplicate: false);
        }

        /// <summary>Removes room <paramref name="r"/>'s messages through seq <paramref name="upTo"/> (indexing the journal first); false when there are none.</summary>
        public bool RemoveThrough(RoomInfo r, long upTo)
        {
            if (upTo < r.FirstSeq)
            {
                return false;
            }

            IndexJournal();
            MessagesDeleted = true;
            Exec(RemoveAcksThroughSql, ("$r", r.Room), ("$s", upTo));
            RowsDied += Exec(MarkRowsDeadThroughSql, ("$r", r.Room), ("$s", upTo));
            Exec(ForgetDeadAnswersThroughSql, ("$r", r.Room), ("$s", upTo));
            Exec(RemoveRoomEntriesThroughSql, ("$r", r.Room), ("$s", upTo));
            PutRoom(r with { FirstSeq = upTo + 1 });
            return true;
        }

        public void PutOutcome(SettlementOutcome o)
        {
            var upsert = log._upsertOutcome ??= Prepare(
                "INSERT INTO outcomes(user_id, client_id, seq, id, room, room_seq, nack_code, nack_reason, at) VALUES($u,$c,$s,$i,$r,$rs,$nc,$nr,$at) ON CONFLICT(user_id, client_id, seq) DO UPDATE SET id=excluded.id, room=excluded.room, room_seq=excluded.room_seq, nack_code=excluded.nack_code, nack_reason=excluded.nack_reason, at=excluded.at",
                "$u", "$c", "$s", "$i", "$r", "$rs", "$nc", "$nr", "$at");
            Run(upsert, o.UserId, o.ClientId, o.Seq, o.Id, o.Room, o.RoomSeq is { } rs ? rs : DBNull.Value,
                o.NackCode is { } nc ? nc : DBNull.Value, o.NackReason is { } nr ? nr : DBNull.Value, o.At);
        }

        private SqliteCommand Prepare(string sql, params string[] names)
        {
            var cmd = log._writer.CreateCommand();
            cmd.CommandText = sql;
            foreach (var n in names)
            {
                cmd.Parameters.Add(new SqliteParameter { ParameterName = n });
            }

            return cmd;
        }

        private void Run(SqliteCommand cmd, params object[] values)
        {
            cmd.Transaction = Transaction;
            for (var i = 0; i < values.Length; i++)
            {
                cmd.Parameters[i].Value = values[i];
            }

            cmd.ExecuteNonQuery();
        }
    }
}
