namespace ChatResilience.Simulator.History.Internal;

/// <summary>
/// A growable sequence of <see cref="HistoryRow"/>s in memory, in fixed-size chunks: growing never copies what is
/// stored (a single array of ten million rows would copy 800 MB at each doubling and need twice that at the peak),
/// and a consumer can release chunks as it drains them.
/// </summary>
internal sealed class RowChunks : HistoryRows
{
    /// <summary>Rows per chunk (1.25 MiB): also the unit a spilling builder writes to disk.</summary>
    public const int ChunkSize = 1 << Shift;

    private const int Shift = 14;
    private const int Mask = ChunkSize - 1;

    private readonly List<HistoryRow[]?> _chunks = [];
    private int _count;

    public override int Count => _count;

    public override ref HistoryRow this[int index] => ref _chunks[index >> Shift]![index & Mask];

    public void Add(in HistoryRow row)
    {
        if ((_count & Mask) == 0)
        {
            _chunks.Add(new HistoryRow[ChunkSize]);
        }

        _chunks[_count >> Shift]![_count & Mask] = row;
        _count++;
    }

    /// <summary>The stored rows, chunk by chunk (the last one partly filled).</summary>
    public IEnumerable<ReadOnlyMemory<HistoryRow>> Chunks()
    {
        for (var c = 0; c < _chunks.Count; c++)
        {
            yield return _chunks[c].AsMemory(0, Math.Min(ChunkSize, _count - (c << Shift)));
        }
    }

    /// <summary>Hands each row to <paramref name="consume"/> in order, releasing every chunk once it is read.</summary>
    public void Drain(Action<HistoryRow> consume)
    {
        for (var c = 0; c < _chunks.Count; c++)
        {
            var chunk = _chunks[c]!;
            var rows = Math.Min(ChunkSize, _count - (c << Shift));
            for (var i = 0; i < rows; i++)
            {
                consume(chunk[i]);
            }

            _chunks[c] = null;
        }

        Clear();
    }

    public void Clear()
    {
        _chunks.Clear();
        _count = 0;
    }
}
