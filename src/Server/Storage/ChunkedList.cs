using System.Collections;

namespace ChatResilience.Server.Storage;

/// <summary>
/// A list that grows and shrinks at its ends in fixed chunks: appending never copies what is stored, and
/// removing from the front drops whole chunks. A room's in-memory log was a <see cref="List{T}"/>: each doubling
/// copied the room into a new array, past 85 KB on the large-object heap (whose allocations trigger gen-2
/// collections), and trimming the front shifted every remaining message.
/// </summary>
internal sealed class ChunkedList<T> : IEnumerable<T>
{
    // 1,024 references: 8 KB, far below the large-object threshold.
    private const int ChunkShift = 10;
    private const int ChunkSize = 1 << ChunkShift;
    private readonly List<T[]> _chunks = [];
    private int _start; // index of the first item within _chunks[0]

    public int Count { get; private set; }

    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var i = _start + index;
            return _chunks[i >> ChunkShift][i & (ChunkSize - 1)];
        }
    }

    public void Add(T item)
    {
        var i = _start + Count;
        if ((i >> ChunkShift) == _chunks.Count)
        {
            _chunks.Add(new T[ChunkSize]);
        }

        _chunks[i >> ChunkShift][i & (ChunkSize - 1)] = item;
        Count++;
    }

    /// <summary>Removes the first <paramref name="count"/> items.</summary>
    public void RemoveFirst(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        for (var k = 0; k < count; k++)
        {
            _chunks[(_start + k) >> ChunkShift][(_start + k) & (ChunkSize - 1)] = default!;
        }

        _start += count;
        Count -= count;
        var emptied = _start >> ChunkShift;
        if (emptied > 0)
        {
            _chunks.RemoveRange(0, emptied);
            _start &= ChunkSize - 1;
        }

        if (Count == 0)
        {
            Clear();
        }
    }

    public void Clear()
    {
        _chunks.Clear();
        _start = 0;
        Count = 0;
    }

    /// <summary>A copy of <paramref name="count"/> items from <paramref name="index"/>.</summary>
    public List<T> GetRange(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index + count, Count);
        var list = new List<T>(count);
        for (var k = 0; k < count; k++)
        {
            list.Add(this[index + k]);
        }

        return list;
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var k = 0; k < Count; k++)
        {
            yield return this[k];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
