using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>timeout: drops data; closes after <paramref name="Timeout"/> without a chunk (zero: never closes).</summary>
public sealed record TimeoutAttributes(TimeSpan Timeout) : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => "timeout";

    internal override void WriteMembers(Utf8JsonWriter writer) => writer.WriteNumber("timeout", Ms(Timeout));
}
