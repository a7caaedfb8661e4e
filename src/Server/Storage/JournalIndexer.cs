using Microsoft.Data.Sqlite;

namespace ChatResilience.Server.Storage;

/// <summary>
/// Indexes a copy of the journal's tail a slice at a time, so the appends queued behind an index batch commit between
/// its slices instead of waiting for all of it. The copy is sorted by key (room then seq; sender, client, client seq),
/// and each slice takes the next entries in that order: a slice covers a run of rooms and clients with all their
/// rows, so each index leaf is still rewritten about once per batch, as when the batch was one statement.
/// Only the writer thread uses it, inside the writer's transactions.
/// </summary>
/// <remarks>
/// Until the last slice commits, the mark in <c>journal_indexed</c> stays where it was and the tail keeps every row
/// of the batch, so a row may be both indexed and in the tail; readers drop such duplicates by seq. A restart, or a
/// trim that indexes everything first, indexes the batch again from the mark: both inserts replace what is there.
/// </remarks>
internal sealed class JournalIndexer(SqliteConnection connection) : IDisposable
{
    private readonly RawStatement _roomEntry = new(connection, "INSERT OR REPLACE INTO room_index(room, seq, pos) VALUES(?1, ?2, ?3)");
    private readonly RawStatement _ackEntry = new(connection, "INSERT OR REPLACE INTO ack_index(user_id, client_id, client_seq, pos) VALUES(?1, ?2, ?3, ?4)");
    private JournalTail.Entry[] _byRoom = [];
    private JournalTail.Entry[] _byClient = [];
    private int _nextRoom;
    private int _nextClient;
    private int _sliceEntries;

    /// <summary>Whether a batch is being indexed.</summary>
    public bool Running { get; private set; }

    /// <summary>The journal position through which the running batch indexes.</summary>
    public long Through { get; private set; }

    /// <summary>
    /// Starts indexing <paramref name="rows"/> (the tail, oldest first) in <paramref name="slices"/> slices of at least
    /// <paramref name="minSliceEntries"/> entries.
    /// </summary>
    public void Start(JournalTail.Entry[] rows, int slices, int minSliceEntries)
    {
        Through = rows.Length == 0 ? 0 : rows[^1].Pos;
        _byRoom = rows;
        _byClient = Array.FindAll(rows, e => e.OutcomeUser is not null);
        Array.Sort(_byRoom, static (a, b) => a.Message.Room != b.Message.Room ? string.CompareOrdinal(a.Message.Room, b.Message.Room) : a.Pos.CompareTo(b.Pos));
        Array.Sort(_byClient, static (a, b) =>
            a.OutcomeUser != b.OutcomeUser ? string.CompareOrdinal(a.OutcomeUser, b.OutcomeUser)
            : a.Message.ClientId != b.Message.ClientId ? string.CompareOrdinal(a.Message.ClientId, b.Message.ClientId)
            : a.Message.ClientSeq != b.Message.ClientSeq ? a.Message.ClientSeq.CompareTo(b.Message.ClientSeq)
            : a.Pos.CompareTo(b.Pos));
        _nextRoom = 0;
        _nextClient = 0;
        _sliceEntries = Math.Max(minSliceEntries, (_byRoom.Length + _byClient.Length + slices - 1) / slices);
        Running = rows.Length > 0;
    }

    /// <summary>Writes the next slice's index entries; true once the batch's last one is written.</summary>
    public bool IndexNext()
    {
        var entries = _sliceEntries;
        for (; entries > 0 && _nextRoom < _byRoom.Length; entries--, _nextRoom++)
        {
            var e = _byRoom[_nextRoom];
            _roomEntry.Bind(1, e.Message.Room);
            _roomEntry.Bind(2, e.Message.Seq);
            _roomEntry.Bind(3, e.Pos);
            _roomEntry.Execute();
        }

        for (; entries > 0 && _nextClient < _byClient.Length; entries--, _nextClient++)
        {
            var e = _byClient[_nextClient];
            _ackEntry.Bind(1, e.OutcomeUser);
            _ackEntry.Bind(2, e.Message.ClientId);
            _ackEntry.Bind(3, e.Message.ClientSeq);
            _ackEntry.Bind(4, e.Pos);
            _ackEntry.Execute();
        }

        return _nextRoom == _byRoom.Length && _nextClient == _byClient.Length;
    }

    /// <summary>Ends the running batch (indexed, abandoned after a failure, or indexed by other means).</summary>
    public void Stop()
    {
        Running = false;
        _byRoom = [];
        _byClient = [];
    }

    public void Dispose()
    {
        _roomEntry.Dispose();
        _ackEntry.Dispose();
    }
}
