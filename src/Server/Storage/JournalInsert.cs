using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ChatResilience.Server.Storage;

/// <summary>
/// The journal's INSERT, the one statement every acked send executes: prepared once on the writer's connection and
/// bound by position through SQLitePCLRaw (the library Microsoft.Data.Sqlite is built on), so it runs inside
/// whatever transaction that connection has open. Only the writer thread uses it.
/// </summary>
/// <remarks>
/// Why not a <see cref="SqliteCommand"/>: on every execution it finds each of the 15 parameters by name in the
/// statement, boxes each number and encodes each string into a new array; in a profile of the server at 100
/// connections × 16 in flight that binding was a tenth of the writer thread's time, and the writer's time per
/// append is what a group commit's latency is made of. Here a number is bound as it is and a string is encoded into
/// a reused buffer (SQLite copies it, <c>SQLITE_TRANSIENT</c>).
/// </remarks>
internal sealed class JournalInsert : IDisposable
{
    // Position 1 is pos, 2 to 14 the message columns in SqliteMessageLog.MessageColumns' order, 15 outcome_user.
    private const string Sql =
        "INSERT INTO journal(pos, " + SqliteMessageLog.MessageColumns + ", outcome_user) "
        + "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[1024];

    public JournalInsert(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _statement));
    }

    /// <summary>Inserts <paramref name="message"/> at journal position <paramref name="pos"/>; throws <see cref="SqliteException"/> on failure.</summary>
    public void Execute(long pos, StoredMessage message, string? meta, string? outcomeUser)
    {
        try
        {
            Check(raw.sqlite3_bind_int64(_statement, 1, pos));
            BindText(2, message.Room);
            Check(raw.sqlite3_bind_int64(_statement, 3, message.Seq));
            Check(raw.sqlite3_bind_int64(_statement, 4, message.Epoch));
            BindText(5, message.Id);
            BindText(6, message.From);
            BindText(7, message.ClientId);
            Check(raw.sqlite3_bind_int64(_statement, 8, message.ClientSeq));
            BindText(9, message.Body);
            Check(raw.sqlite3_bind_int64(_statement, 10, message.SentAt));
            Check(raw.sqlite3_bind_int64(_statement, 11, message.Basis));
            Check(raw.sqlite3_bind_int64(_statement, 12, message.At));
            BindText(13, meta);
            Check(message.AnswerFor is { } answerFor ? raw.sqlite3_bind_int64(_statement, 14, answerFor) : raw.sqlite3_bind_null(_statement, 14));
            BindText(15, outcomeUser);
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        finally
        {
            // Also clears a failed step's state, so the next execution starts clean.
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void BindText(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _utf8.Length)
        {
            // Grows to the largest body seen (bounded by maxBodyBytes); one buffer per log.
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)));
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
