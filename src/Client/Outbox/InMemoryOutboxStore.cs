namespace ChatResilience.Client.Outbox;

/// <summary>
/// A process-lifetime store for tests and the simulator. Keep the instance to simulate a client restart:
/// a new client on the same store replays what is unsettled.
/// </summary>
public sealed class InMemoryOutboxStore : IOutboxStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, OutboxEntry> _entries = [];
    private readonly Dictionary<string, RoomCursorState> _cursors = new(StringComparer.Ordinal);
    private long _nextSeq = 1;

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<OutboxSnapshot> LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new OutboxSnapshot([.. _entries.Values], [.. _cursors.Values], _nextSeq));
        }
    }

    /// <inheritdoc />
    public ValueTask<OutboxEntry> AppendAsync(OutboxDraft draft, int capacity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_entries.Count >= capacity)
            {
                throw new OutboxFullException($"the outbox holds {_entries.Count} unsettled messages (capacity {capacity})") { Capacity = capacity };
            }

            var entry = draft.ToEntry(_nextSeq++);
            _entries.Add(entry.Seq, entry);
            return ValueTask.FromResult(entry);
        }
    }

    /// <inheritdoc />
    public ValueTask SettleAsync(long seq, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _entries.Remove(seq);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SaveCursorAsync(RoomCursorState cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        lock (_gate)
        {
            _cursors[cursor.Room] = cursor;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveCursorAsync(string room, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _cursors.Remove(room);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
