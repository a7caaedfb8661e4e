namespace ChatResilience.Server.Storage;

/// <summary>
/// The SQLite log's committed but not yet indexed appends, in memory: the rows of its <c>journal</c> table, which
/// readers must see until the writer indexes them. Only the writer changes it,
/// after each commit; readers copy what they need under one lock.
/// <para>
/// A reader copies from the tail first and reads SQLite second: a row indexed in between is then in the index, so
/// nothing is missed, and duplicates are dropped by seq. (While the writer indexes a batch in slices, its rows stay
/// here until the last slice commits, so some are in both for a while: the same rule covers them.)
/// <see cref="Version"/> changes whenever a commit deleted messages, so a range read can tell that a trim or a room
/// deletion ran between its two reads and read again.
/// </para>
/// </summary>
internal sealed class JournalTail
{
    private readonly Lock _lock = new();
    private readonly Queue<Entry> _order = new();
    private readonly Dictionary<string, List<StoredMessage>> _byRoom = new(StringComparer.Ordinal);
    private readonly Dictionary<(string User, string Client), List<StoredMessage>> _byClient = new();
    private long _version;

    /// <summary>Rows in the tail.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>Distinct rooms plus distinct acked clients among the rows: the index leaves that indexing the tail rewrites.</summary>
    public int Keys
    {
        get
        {
            lock (_lock)
            {
                return _byRoom.Count + _byClient.Count;
            }
        }
    }

    /// <summary>Changes whenever a commit that deleted messages (a trim, a room deletion) took rows out of the tail.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>The journal position of the newest row, or 0 when the tail is empty.</summary>
    public long LastPos
    {
        get
        {
            lock (_lock)
            {
                return _order.Count == 0 ? 0 : _lastPos;
            }
        }
    }

    private long _lastPos;

    /// <summary>A copy of the tail's rows, oldest first.</summary>
    public Entry[] Rows()
    {
        lock (_lock)
        {
            return _order.ToArray();
        }
    }

    /// <summary>
    /// Applies one commit: rows through <paramref name="indexedThroughPos"/> were indexed (0: none),
    /// then <paramref name="appended"/> joined the journal. Appended rows the same commit already indexed are skipped.
    /// <paramref name="deletedMessages"/>: the commit also deleted messages, so a reader's earlier copy may hold rows
    /// that are gone.
    /// </summary>
    public void Commit(long indexedThroughPos, IReadOnlyList<Entry> appended, bool deletedMessages)
    {
        lock (_lock)
        {
            if (indexedThroughPos > 0 && _order.Count > 0 && _order.Peek().Pos <= indexedThroughPos)
            {
                RemoveThrough(indexedThroughPos);
            }

            if (deletedMessages)
            {
                _version++;
            }

            foreach (var e in appended)
            {
                if (e.Pos <= indexedThroughPos)
                {
                    continue;
                }

                _order.Enqueue(e);
                _lastPos = e.Pos;
                ListOf(_byRoom, e.Message.Room).Add(e.Message);
                if (e.OutcomeUser is { } user)
                {
                    ListOf(_byClient, (user, e.Message.ClientId)).Add(e.Message);
                }
            }
        }
    }

    /// <summary>The room's tail rows with seq &gt; <paramref name="afterSeq"/>, in seq order, and the version read.</summary>
    public (List<StoredMessage> Rows, long Version) ReadRoom(string room, long afterSeq)
    {
        lock (_lock)
        {
            if (!_byRoom.TryGetValue(room, out var list))
            {
                return ([], _version);
            }

            // A room's tail rows have consecutive seqs (appends assign head + 1), so the first wanted is found by offset.
            var start = (int)Math.Clamp(afterSeq + 1 - list[0].Seq, 0, list.Count);
            return (list.GetRange(start, list.Count - start), _version);
        }
    }

    /// <summary>The message that carries the (user, client, seq) ack, when it is in the tail.</summary>
    public StoredMessage? FindAck(string userId, string clientId, long clientSeq)
    {
        lock (_lock)
        {
            return _byClient.TryGetValue((userId, clientId), out var list) ? list.FindLast(m => m.ClientSeq == clientSeq) : null;
        }
    }

    /// <summary>The highest client seq acked by a tail row, or null.</summary>
    public long? MaxClientSeq(string userId, string clientId)
    {
        lock (_lock)
        {
            return _byClient.TryGetValue((userId, clientId), out var list) && list.Count > 0 ? list.Max(m => m.ClientSeq) : null;
        }
    }

    private void RemoveThrough(long pos)
    {
        var perRoom = new Dictionary<string, int>(StringComparer.Ordinal);
        var perClient = new Dictionary<(string, string), int>();
        while (_order.Count > 0 && _order.Peek().Pos <= pos)
        {
            var e = _order.Dequeue();
            perRoom[e.Message.Room] = perRoom.GetValueOrDefault(e.Message.Room) + 1;
            if (e.OutcomeUser is { } user)
            {
                perClient[(user, e.Message.ClientId)] = perClient.GetValueOrDefault((user, e.Message.ClientId)) + 1;
            }
        }

        // Rows leave in journal order, so each room's and client's leaving rows are the front of its list.
        Trim(_byRoom, perRoom);
        Trim(_byClient, perClient);
    }

    private static void Trim<TKey>(Dictionary<TKey, List<StoredMessage>> lists, Dictionary<TKey, int> counts)
        where TKey : notnull
    {
        foreach (var (key, n) in counts)
        {
            var list = lists[key];
            if (n >= list.Count)
            {
                lists.Remove(key);
            }
            else
            {
                list.RemoveRange(0, n);
            }
        }
    }

    private static List<StoredMessage> ListOf<TKey>(Dictionary<TKey, List<StoredMessage>> lists, TKey key)
        where TKey : notnull
    {
        if (!lists.TryGetValue(key, out var list))
        {
            list = [];
            lists[key] = list;
        }

        return list;
    }

    /// <summary>One journal row: its position, the message, and the user whose ack it carries (null: none).</summary>
    internal readonly record struct Entry(long Pos, StoredMessage Message, string? OutcomeUser);
}
