using System.Numerics;
using System.Text;

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
/// <para>
/// An ack's id is not kept as a string: the chunk keeps the acks' ids as UTF-8 back to back in one byte array, and a
/// slot points into it (a nack keeps its record, which has the id). A string per ack was an object every send made
/// survive, written into an array that by then was old, so every gen-0 collection scanned those arrays' cards: at
/// 100 connections × 16 in flight, an experiment that kept no id ran ~25 % more acks/s with the GC pause at
/// 2.5–2.9 % instead of 6.6–7.3 % (bench/results/server-throughput.md, eighth round). The id array is repacked
/// (live ids only, half as large again) when it is full or, after a trim, four times larger than what it holds.
/// </para>
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

    private const int MinIdBytes = 32;

    private Slot[] _slots;
    private int _start; // the chunk offset of _slots[0]
    private byte[] _ids = [];
    private int _idsUsed; // bytes of _ids written, live or not
    private int _idsLive; // bytes of _ids that live acks point to

    /// <summary>A chunk whose first entry lands at <paramref name="offset"/>.</summary>
    public OutcomeChunk(int slots, int offset)
    {
        _slots = new Slot[slots];
        _start = Math.Min(offset, MaxSlots - slots);
    }

    /// <summary>Entries held.</summary>
    public int Live { get; private set; }

    /// <summary>The array's length: what the chunk costs (40 B a slot, plus the acks' ids).</summary>
    public int Slots => _slots.Length;

    /// <summary>Bytes of the id array (for tests and measurements).</summary>
    public int IdBytes => _ids.Length;

    /// <summary>Bytes a slot takes: a chunk's 1,024 of them stay below the large-object heap.</summary>
    public static int SlotBytes => System.Runtime.CompilerServices.Unsafe.SizeOf<Slot>();

    public bool TryGet(int offset, out OutcomeEntry entry)
    {
        var i = offset - _start;
        if ((uint)i >= (uint)_slots.Length || _slots[i].Room is null)
        {
            entry = default;
            return false;
        }

        ref readonly var slot = ref _slots[i];
        var id = slot.Nack?.Id ?? Encoding.UTF8.GetString(_ids, slot.IdStart, slot.IdLength);
        entry = new OutcomeEntry(id, slot.Room!, slot.RoomSeq, slot.At, slot.Nack);
        return true;
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
        if (slot.Room is null)
        {
            Live++;
        }
        else
        {
            _idsLive -= slot.IdLength;
            slot = default; // a repack below must not copy the id being replaced
        }

        var (idStart, idLength) = entry.Nack is null ? StoreId(entry.Id) : (0, 0);
        slot = new Slot { Room = entry.Room, Nack = entry.Nack, RoomSeq = entry.RoomSeq, At = entry.At, IdStart = idStart, IdLength = idLength };
    }

    /// <summary>Forgets entries settled before <paramref name="atMs"/>; returns how many.</summary>
    public int TrimOlderThan(long atMs)
    {
        var removed = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Room is not null && _slots[i].At < atMs)
            {
                _idsLive -= _slots[i].IdLength;
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

            if (_ids.Length > MinIdBytes && _idsLive * 4 <= _ids.Length)
            {
                RepackIds(0);
            }
        }

        return removed;
    }

    private static int SlotsFor(int span) => Math.Max(MinSlots, (int)BitOperations.RoundUpToPowerOf2((uint)span));

    // The chunk offsets [lo, hi) from the first to past the last entry held; only with Live > 0.
    private (int Lo, int Hi) LiveRange()
    {
        var first = 0;
        while (_slots[first].Room is null)
        {
            first++;
        }

        var last = _slots.Length - 1;
        while (_slots[last].Room is null)
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
        var next = new Slot[slots];
        var from = Math.Max(_start, start);
        var to = Math.Min(_start + _slots.Length, start + slots);
        if (to > from)
        {
            Array.Copy(_slots, from - _start, next, from - start, to - from);
        }

        _slots = next;
        _start = start;
    }

    // Appends an ack's id to the id array; returns where it is.
    private (int Start, int Length) StoreId(string id)
    {
        var length = Encoding.UTF8.GetByteCount(id);
        if (_idsUsed + length > _ids.Length)
        {
            RepackIds(length);
        }

        var start = _idsUsed;
        Encoding.UTF8.GetBytes(id, _ids.AsSpan(start));
        _idsUsed += length;
        _idsLive += length;
        return (start, length);
    }

    // Copies the live acks' ids, and room for the next one, into a new array half as large again, in slot order: a
    // busy chunk grows by half each time it fills (at most 1.5 times what it holds), and a repack after a trim or
    // after overwrites leaves the dead bytes behind.
    private void RepackIds(int extra)
    {
        var needed = _idsLive + extra;
        var next = new byte[Math.Max(MinIdBytes, needed + (needed / 2))];
        var used = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            ref var slot = ref _slots[i];
            if (slot.IdLength > 0)
            {
                _ids.AsSpan(slot.IdStart, slot.IdLength).CopyTo(next.AsSpan(used));
                slot.IdStart = used;
                used += slot.IdLength;
            }
        }

        _ids = next;
        _idsUsed = used;
    }

    /// <summary>An outcome as the chunk holds it: a live slot has a room; an ack's id is in the id array.</summary>
    private struct Slot
    {
        public string? Room;
        public SettlementOutcome? Nack;
        public long RoomSeq;
        public long At;
        public int IdStart;
        public int IdLength;
    }
}
