namespace ChatResilience.Server.Storage;

/// <summary>
/// One (user, client)'s outcomes by seq and its mark (only ever rises), under one lock. A client's seqs are
/// contiguous, so outcomes live inline in chunks of 1,024 consecutive seqs (<see cref="OutcomeChunk"/>): no node
/// per outcome, and no map that grows by copying itself onto the large-object heap. A chunk's array grows with
/// the entries it holds, so a client costs what it keeps: a few hundred bytes for one outcome, and when busy 40 B an
/// outcome plus up to 1.5 times its id's UTF-8 bytes (the id array keeps slack).
/// </summary>
internal sealed class ClientOutcomes
{
    // The newest chunk (of the highest seqs, unless a trim emptied that one and a lower seq came back) is kept out
    // of the map: nearly every record and lookup lands in a client's newest chunk, and a client that never passes
    // one chunk's seqs (most clients) needs no map at all, ~220 B less per client.
    private long _currentKey;
    private OutcomeChunk? _current;
    private Dictionary<long, OutcomeChunk>? _others;

    public Lock Sync { get; } = new();

    public long? Mark { get; private set; }

    /// <summary>Under <see cref="Sync"/>: the chunks held (for tests and measurements).</summary>
    internal int Chunks => (_current is null ? 0 : 1) + (_others?.Count ?? 0);

    /// <summary>Under <see cref="Sync"/>: the slots of every chunk, i.e. what the entries cost at 40 B each.</summary>
    internal int Slots => (_current?.Slots ?? 0) + (_others?.Values.Sum(c => c.Slots) ?? 0);

    /// <summary>Under <see cref="Sync"/>: the bytes of every chunk's id array (the acks' ids, UTF-8).</summary>
    internal int IdBytes => (_current?.IdBytes ?? 0) + (_others?.Values.Sum(c => c.IdBytes) ?? 0);

    /// <summary>Records (or overwrites) the outcome of <paramref name="seq"/> and raises the mark; takes <see cref="Sync"/>.</summary>
    public void Record(long seq, OutcomeEntry entry)
    {
        lock (Sync)
        {
            var key = seq >> OutcomeChunk.SeqShift;
            var offset = (int)(seq & OutcomeChunk.OffsetMask);
            var chunk = Find(key) ?? Add(key, offset);
            chunk.Set(offset, entry);
            if (Mark is not { } m || m < seq)
            {
                Mark = seq;
            }
        }
    }

    /// <summary>Under <see cref="Sync"/>.</summary>
    public bool TryGet(long seq, out OutcomeEntry entry)
    {
        if (Find(seq >> OutcomeChunk.SeqShift) is { } chunk)
        {
            return chunk.TryGet((int)(seq & OutcomeChunk.OffsetMask), out entry);
        }

        entry = default;
        return false;
    }

    /// <summary>Under <see cref="Sync"/>: forgets outcomes settled before <paramref name="atMs"/>; returns how many.</summary>
    public int TrimOlderThan(long atMs)
    {
        var removed = 0;
        if (_current is not null)
        {
            removed += _current.TrimOlderThan(atMs);
            if (_current.Live == 0)
            {
                _current = null;
            }
        }

        if (_others is null)
        {
            return removed;
        }

        List<long>? empty = null;
        foreach (var (key, chunk) in _others)
        {
            removed += chunk.TrimOlderThan(atMs);
            if (chunk.Live == 0)
            {
                (empty ??= []).Add(key);
            }
        }

        foreach (var key in empty ?? [])
        {
            _others.Remove(key);
        }

        // A map never shrinks by itself: a busy client gone quiet (its mark outlives its outcomes) would keep a table
        // sized for every chunk it ever held.
        if (_others.Count == 0)
        {
            _others = null;
        }
        else if (empty is not null && _others.Count <= _others.EnsureCapacity(0) / 4)
        {
            _others.TrimExcess();
        }

        return removed;
    }

    private OutcomeChunk? Find(long key) =>
        _current is not null && key == _currentKey ? _current
        : _others is not null && _others.TryGetValue(key, out var chunk) ? chunk
        : null;

    private OutcomeChunk Add(long key, int offset)
    {
        // A client streaming sends fills chunk after chunk: when the chunk before is full size, this one starts full
        // size too rather than growing 8 → 1,024 again (seven copies, ~40 B of garbage per send). It costs no more
        // than its neighbour, which held over 512 entries when it grew to full size.
        var slots = Find(key - 1) is { Slots: OutcomeChunk.MaxSlots } ? OutcomeChunk.MaxSlots : OutcomeChunk.MinSlots;
        var chunk = new OutcomeChunk(slots, offset);
        if (_current is null || key > _currentKey)
        {
            if (_current is not null)
            {
                (_others ??= [])[_currentKey] = _current;
            }

            (_current, _currentKey) = (chunk, key);
        }
        else
        {
            (_others ??= [])[key] = chunk;
        }

        return chunk;
    }
}
