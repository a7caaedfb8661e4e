using Microsoft.Data.Sqlite;

namespace ChatResilience.Server.Storage;

/// <summary>
/// The journal's INSERT, the one statement every acked send executes: a <see cref="RawStatement"/> on the writer's
/// connection, bound by position. Only the writer thread uses it.
/// </summary>
internal sealed class JournalInsert(SqliteConnection connection) : IDisposable
{
    // Position 1 is pos, 2 to 14 the message columns in SqliteMessageLog.MessageColumns' order, 15 outcome_user.
    private const string Sql =
        "INSERT INTO journal(pos, " + SqliteMessageLog.MessageColumns + ", outcome_user) "
        + "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

    private readonly RawStatement _statement = new(connection, Sql);

    /// <summary>Inserts <paramref name="message"/> at journal position <paramref name="pos"/>; throws <see cref="SqliteException"/> on failure.</summary>
    public void Execute(long pos, StoredMessage message, string? meta, string? outcomeUser)
    {
        _statement.Bind(1, pos);
        _statement.Bind(2, message.Room);
        _statement.Bind(3, message.Seq);
        _statement.Bind(4, message.Epoch);
        _statement.Bind(5, message.Id);
        _statement.Bind(6, message.From);
        _statement.Bind(7, message.ClientId);
        _statement.Bind(8, message.ClientSeq);
        _statement.Bind(9, message.Body);
        _statement.Bind(10, message.SentAt);
        _statement.Bind(11, message.Basis);
        _statement.Bind(12, message.At);
        _statement.Bind(13, meta);
        _statement.Bind(14, message.AnswerFor);
        _statement.Bind(15, outcomeUser);
        _statement.Execute();
    }

    public void Dispose() => _statement.Dispose();
}
