using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>A toxic type this client does not model (e.g. a custom server toxic), with its raw integer attributes.</summary>
public sealed record UnknownToxicAttributes(string TypeName, IReadOnlyDictionary<string, long> Values) : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => TypeName;

    internal override void WriteMembers(Utf8JsonWriter writer)
    {
        foreach (var (name, value) in Values)
        {
            writer.WriteNumber(name, value);
        }
    }
}
