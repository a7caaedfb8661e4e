namespace ChatResilience.Server.Storage;

/// <summary>
/// One (user, client)'s outcomes by seq and its mark (only ever rises), under one lock. A client's seqs are
/// contiguous, so outcomes live inline in chunks of 1,024 consecutive seqs (<see cref="OutcomeChunk"/>): no node
/// per outcome, and no map that grows by copying itself onto the large-object heap. A chunk's array grows with
/// the entries it holds, so a client costs what it keeps: a few hundred bytes for one outcome, 40 B an outcome
/// when busy.
/// </summary>
internal sealed class ClientOutcomes
{
    private readonly Dictionary<long, OutcomeChunk> _chunks = [];

    public Lock Sync { get; } = new();

    public long? Mark { get; private set; }

    /// <summary>Under <see cref="Sync"/>: the chunks held (for tests and measurements).</summary>
    internal int Chunks => _chunks.Count;

    /// <summary>Under <see cref="Sync"/>: the slots of every chunk, i.e. what the entries cost at 40 B each.</summary>
    internal int Slots => _chunks.Values.Sum(c => c.Slots);

    /// <summary>Records (or overwrites) the outcome of <paramref name="seq"/> and raises the mark; takes <see cref="Sync"/>.</summary>
    public void Record(long seq, OutcomeEntry entry)
    {
        lock (Sync)
        {
            var key = seq >> OutcomeChunk.SeqShift;
            var offset = (int)(seq & OutcomeChunk.OffsetMask);
            if (!_chunks.TryGetValue(key, out var chunk))
            {
                // A client streaming sends fills chunk after chunk: when the chunk before is full size, this one starts
                // full size too rather than growing 8 → 1,024 again (seven copies, ~40 B of garbage per send). It costs
                // no more than its neighbour, which held over 512 entries when it grew to full size.
                var slots = _chunks.TryGetValue(key - 1, out var before) && before.Slots == OutcomeChunk.MaxSlots
                    ? OutcomeChunk.MaxSlots
                    : OutcomeChunk.MinSlots;
                chunk = _chunks[key] = new OutcomeChunk(slots, offset);
            }

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
        if (_chunks.TryGetValue(seq >> OutcomeChunk.SeqShift, out var chunk))
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
        List<long>? empty = null;
        foreach (var (key, chunk) in _chunks)
        {
            removed += chunk.TrimOlderThan(atMs);
            if (chunk.Live == 0)
            {
                (empty ??= []).Add(key);
            }
        }

        if (empty is not null)
        {
            foreach (var key in empty)
            {
                _chunks.Remove(key);
            }

            // A map never shrinks by itself: a busy client gone quiet (its mark outlives its outcomes) would keep
            // a table sized for every chunk it ever held.
            if (_chunks.Count <= _chunks.EnsureCapacity(0) / 4)
            {
                _chunks.TrimExcess();
            }
        }

        return removed;
    }
}
