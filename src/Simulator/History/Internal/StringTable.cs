using System.Runtime.InteropServices;

namespace ChatResilience.Simulator.History.Internal;

/// <summary>
/// Dense ids for strings. The history interns its deliveries' strings here (a run has few clients and rooms and one
/// id per message, while each message is delivered to every member: one copy per string instead of one per
/// delivery), and the checkers key their sets on the ids (integer hashing instead of string tuples on every probe).
/// </summary>
internal sealed class StringTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _strings = [];

    public int Count => _strings.Count;

    public int Id(string value)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, value, out var exists);
        if (!exists)
        {
            slot = _strings.Count;
            _strings.Add(value);
        }

        return slot;
    }

    public string this[int id] => _strings[id];

    /// <summary>The id of <paramref name="value"/> if it was interned, else -1 (it cannot match anything).</summary>
    public int Find(string value) => _ids.TryGetValue(value, out var id) ? id : -1;

    /// <summary>The strings by id, for a finished history (the lookup dictionary is not needed after building).</summary>
    public string[] ToArray() => [.. _strings];
}
