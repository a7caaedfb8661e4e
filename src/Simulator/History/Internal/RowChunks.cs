namespace ChatResilience.Simulator.History.Internal;

/// <summary>
/// A growable sequence of <see cref="HistoryRow"/>s in fixed-size chunks: growing never copies what is stored (a
/// single array of ten million rows would copy 800 MB at each doubling and need twice that at the peak), and a
/// consumer can release chunks as it drains them.
/// </summary>
internal sealed class RowChunks
{
    private const int Shift = 14;
    private const int ChunkSize = 1 << Shift;
    private const int Mask = ChunkSize - 1;

    private readonly List<HistoryRow[]?> _chunks = [];

    public int Count { get; private set; }

    public ref HistoryRow this[int index] => ref _chunks[index >> Shift]![index & Mask];

    public void Add(in HistoryRow row)
    {
        if ((Count & Mask) == 0)
        {
            _chunks.Add(new HistoryRow[ChunkSize]);
        }

        _chunks[Count >> Shift]![Count & Mask] = row;
        Count++;
    }

    /// <summary>Hands each row to <paramref name="consume"/> in order, releasing every chunk once it is read.</summary>
    public void Drain(Action<HistoryRow> consume)
    {
        for (var c = 0; c < _chunks.Count; c++)
        {
            var chunk = _chunks[c]!;
            var rows = Math.Min(ChunkSize, Count - (c << Shift));
            for (var i = 0; i < rows; i++)
            {
                consume(chunk[i]);
            }

            _chunks[c] = null;
        }

        _chunks.Clear();
        Count = 0;
    }

    /// <summary>
    /// Reorders the rows in place so that position i holds the row that was at <paramref name="source"/>[i]
    /// (a permutation; it is consumed). Follows each cycle once, so it needs no second copy of the rows.
    /// </summary>
    public void Permute(int[] source)
    {
        for (var start = 0; start < source.Length; start++)
        {
            if (source[start] < 0 || source[start] == start)
            {
                continue;
            }

            var held = this[start];
            var at = start;
            while (true)
            {
                var from = source[at];
                source[at] = -1;
                if (from == start)
                {
                    this[at] = held;
                    break;
                }

                this[at] = this[from];
                at = from;
            }
        }
    }
}
