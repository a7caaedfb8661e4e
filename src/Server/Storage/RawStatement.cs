using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ChatResilience.Server.Storage;

/// <summary>
/// A statement prepared once on a <see cref="SqliteConnection"/> and bound by position through SQLitePCLRaw (the
/// library Microsoft.Data.Sqlite is built on), so it runs inside whatever transaction that connection has open. For
/// the writer's statements that run once per row; one thread uses it.
/// </summary>
/// <remarks>
/// Why not a <see cref="SqliteCommand"/>: on every execution it finds each parameter by name in the statement, boxes
/// each number and encodes each string into a new array; in a profile of the server at 100 connections × 16 in flight
/// that binding was a tenth of the writer thread's time, and the writer's time per append is what a group commit's
/// latency is made of. Here a number is bound as it is and a string is encoded into a reused buffer (SQLite copies it,
/// <c>SQLITE_TRANSIENT</c>).
/// </remarks>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[1024];

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _utf8.Length)
        {
            // Grows to the largest value seen (a body is bounded by maxBodyBytes); one buffer per statement.
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)));
    }

    /// <summary>Runs the bound statement to its end; throws <see cref="SqliteException"/> on failure.</summary>
    public void Execute()
    {
        try
        {
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

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
