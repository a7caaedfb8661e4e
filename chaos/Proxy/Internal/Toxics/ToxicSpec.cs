using System.Collections.Immutable;

namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>
/// One toxic as configured through the API. Immutable: an update makes a new instance, which is how
/// links notice the change (reference inequality) and redraw toxicity.
/// </summary>
/// <remarks>Attributes are aligned with <see cref="ToxicKinds.AttributeNames"/> of the kind.</remarks>
internal sealed record ToxicSpec(string Name, ToxicKind Kind, LinkDirection Stream, double Toxicity, ImmutableArray<long> Attributes)
{
    public long Attribute(string name)
    {
        var names = ToxicKinds.AttributeNames(Kind);
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return Attributes[i];
            }
        }

        throw new ArgumentOutOfRangeException(nameof(name), name, "not an attribute of " + ToxicKinds.WireName(Kind));
    }

    public TimeSpan Milliseconds(string name) => TimeSpan.FromMilliseconds(Attribute(name));
}
