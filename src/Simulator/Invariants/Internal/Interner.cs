namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>
/// Maps strings to dense ints so hot sets over a million deliveries key on integers (one cheap string hash per
/// field, then integer hashing) instead of hashing string tuples on every probe.
/// </summary>
internal sealed class Interner
{
    private readonly Dictionary<string, int> _ids;
    private readonly List<string> _names = [];

    public Interner(int capacity = 0) => _ids = new Dictionary<string, int>(capacity, StringComparer.Ordinal);

    public int Id(string value)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_ids, value, out var exists);
        if (!exists)
        {
            slot = _names.Count;
            _names.Add(value);
        }

        return slot;
    }

    /// <summary>The string with id <paramref name="id"/>.</summary>
    public string Name(int id) => _names[id];

    /// <summary>The id of <paramref name="value"/> if it was interned, else -1 (it cannot match anything).</summary>
    public int Find(string value) => _ids.TryGetValue(value, out var id) ? id : -1;
}
