using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>noop: accepted, does nothing.</summary>
public sealed record NoopAttributes : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => "noop";

    internal override void WriteMembers(Utf8JsonWriter writer)
    {
    }
}
