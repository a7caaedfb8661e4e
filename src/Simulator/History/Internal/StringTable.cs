using System.Runtime.InteropServices;

namespace ChatResilience.Simulator.History.Internal;

/// <summary>
/// Dense ids for the strings of recorded deliveries. A run has few clients and rooms and one id per message, while
/// each message is delivered to every member: interning keeps one copy per string instead of one per delivery.
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

    /// <summary>The strings by id, for a finished history (the lookup dictionary is not needed after building).</summary>
    public string[] ToArray() => [.. _strings];
}
