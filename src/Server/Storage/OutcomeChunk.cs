using System.Numerics;

namespace ChatResilience.Server.Storage;

/// <summary>
/// The outcomes of one client's 1,024 consecutive seqs, in an array that covers only the part of them in use: a
/// window of a power of two of slots (8 to 1,024) from <c>_start</c>. The window grows by doubling as entries land
/// outside it, re-placed around the live entries and the new one, so out-of-order, retried and overwritten seqs
/// are all plain writes; a trim that leaves the live entries in a quarter of the window or less shrinks it.
/// </summary>
/// <remarks>
/// Why grow instead of small fixed chunks: a full 1,024-slot array (40 KB) for a client that settled one send made
/// 10,000 quiet clients cost ~400 MB. Fixed chunks of 64 seqs would still cost 2.5 KB for one outcome and give a
/// busy client 16 times the chunk objects and map entries (its map would reach the large-object heap at ~220,000
/// kept outcomes instead of ~3.5 million). A growing window costs one outcome 8 slots (344 B with the array's
/// header), a busy client the same 40 B per outcome as before, and a quiet client that keeps a few recent outcomes
/// slides its small window along (the live entries decide the new window, not the old one). Within a chunk the
/// window follows the span of the seqs kept, not their count: two outcomes 1,000 seqs apart in one chunk cost the
/// full 1,024 slots (sends are contiguous per client, so such gaps are rare).
/// </remarks>
internal sealed class OutcomeChunk
{
    /// <summary>log2 of the seqs a chunk covers: a chunk is keyed <c>seq &gt;&gt; SeqShift</c>.</summary>
    public const int SeqShift = 10;

    /// <summary>Seqs per chunk, and the most slots a chunk has (1,024 × 40 B, below the 85,000 B threshold).</summary>
    public const int MaxSlots = 1 << SeqShift;

    /// <summary>Mask of a seq's offset within its chunk.</summary>
    public const int OffsetMask = MaxSlots - 1;

    /// <summary>Slots of a new chunk (unless its client is streaming, see <see cref="ClientOutcomes"/>).</summary>
    public const int MinSlots = 8;

    private OutcomeEntry[] _slots;
    private int _start; // the chunk offset of _slots[0]

    /// <summary>A chunk whose first entry lands at <paramref name="offset"/>.</summary>
    public OutcomeChunk(int slots, int offset)
    {
        _slots = new OutcomeEntry[slots];
        _start = Math.Min(offset, MaxSlots - slots);
    }

    /// <summary>Entries held.</summary>
    public int Live { get; private set; }

    /// <summary>The array's length: what the chunk costs (40 B a slot).</summary>
    public int Slots => _slots.Length;

    public bool TryGet(int offset, out OutcomeEntry entry)
    {
        var i = offset - _start;
        entry = (uint)i < (uint)_slots.Length ? _slots[i] : default;
        return entry.Id is not null;
    }

    /// <summary>Records or overwrites the entry at <paramref name="offset"/> (0 to 1,023).</summary>
    public void Set(int offset, OutcomeEntry entry)
    {
        if ((uint)(offset - _start) >= (uint)_slots.Length)
        {
            var (lo, hi) = Live == 0 ? (offset, offset + 1) : LiveRange();
            Move(Math.Min(lo, offset), Math.Max(hi, offset + 1), upward: offset >= _start);
        }

        ref var slot = ref _slots[offset - _start];
        if (slot.Id is null)
        {
            Live++;
        }

        slot = entry;
    }

    /// <summary>Forgets entries settled before <paramref name="atMs"/>; returns how many.</summary>
    public int TrimOlderThan(long atMs)
    {
        var removed = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Id is not null && _slots[i].At < atMs)
            {
                _slots[i] = default;
                removed++;
            }
        }

        Live -= removed;

        // An emptied chunk is dropped by its owner. One left with a few recent entries (the usual trim removes the
        // oldest seqs) shrinks, so what it costs follows what it keeps; the quarter leaves room to grow back
        // before the next trim without moving again.
        if (removed > 0 && Live > 0)
        {
            var (lo, hi) = LiveRange();
            if (SlotsFor(hi - lo) <= _slots.Length / 4)
            {
                Move(lo, hi, upward: true);
            }
        }

        return removed;
    }

    private static int SlotsFor(int span) => Math.Max(MinSlots, (int)BitOperations.RoundUpToPowerOf2((uint)span));

    // The chunk offsets [lo, hi) from the first to past the last entry held; only with Live > 0.
    private (int Lo, int Hi) LiveRange()
    {
        var first = 0;
        while (_slots[first].Id is null)
        {
            first++;
        }

        var last = _slots.Length - 1;
        while (_slots[last].Id is null)
        {
            last--;
        }

        return (_start + first, _start + last + 1);
    }

    // Copies the entries into the smallest window that covers [lo, hi) (which holds every live entry), placed to
    // leave its spare slots on the side the writes are heading, inside the chunk's 1,024 offsets.
    private void Move(int lo, int hi, bool upward)
    {
        var slots = SlotsFor(hi - lo);
        var start = upward ? Math.Min(lo, MaxSlots - slots) : Math.Max(0, hi - slots);
        var next = new OutcomeEntry[slots];
        var from = Math.Max(_start, start);
        var to = Math.Min(_start + _slots.Length, start + slots);
        if (to > from)
        {
            Array.Copy(_slots, from - _start, next, from - start, to - from);
        }

        _slots = next;
        _start = start;
    }
}
