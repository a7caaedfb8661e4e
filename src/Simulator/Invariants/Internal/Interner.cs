namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>
/// Maps strings to dense ints so hot sets over a million deliveries key on integers (one cheap string hash per
/// field, then integer hashing) instead of hashing string tuples on every probe.
/// </summary>
internal sealed class Interner
{
    private readonly Dictionary<string, int> _ids;
    private List<string>? _names;

    public Interner(int capacity = 0) => _ids = new Dictionary<string, int>(capacity, StringComparer.Ordinal);

    public int Id(string value)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_ids, value, out var exists);
        if (!exists)
        {
            slot = _ids.Count - 1;
        }

        return slot;
    }

    /// <summary>The string with id <paramref name="id"/> (builds the reverse table on first use: for messages, rarely needed).</summary>
    public string Name(int id)
    {
        if (_names is null || _names.Count != _ids.Count)
        {
            _names = [.. _ids.OrderBy(p => p.Value).Select(p => p.Key)];
        }

        return _names[id];
    }

    /// <summary>The id of <paramref name="value"/> if it was interned, else -1 (it cannot match anything).</summary>
    public int Find(string value) => _ids.TryGetValue(value, out var id) ? id : -1;

    public static long Pair(int a, int b) => ((long)a << 32) | (uint)b;
}

/// <summary>
/// Hashes a <see cref="Interner.Pair"/> key well: <c>long.GetHashCode</c> XORs the halves, so pairs of small ids
/// collide massively; a multiplicative mix spreads them.
/// </summary>
internal sealed class PairComparer : IEqualityComparer<long>
{
    public static readonly PairComparer Instance = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj)
    {
        var h = (ulong)obj * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 32) ^ (int)h;
    }
}
