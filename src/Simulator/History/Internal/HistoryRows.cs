namespace ChatResilience.Simulator.History.Internal;

/// <summary>The rows of a history, wherever they are kept: in memory (<see cref="RowChunks"/>) or on disk (<see cref="MappedRows"/>).</summary>
internal abstract class HistoryRows
{
    public abstract int Count { get; }

    public abstract ref HistoryRow this[int index] { get; }

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
