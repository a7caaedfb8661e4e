using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>limit_data: forwards <paramref name="Bytes"/> bytes in its direction, then closes the connection.</summary>
public sealed record LimitDataAttributes(long Bytes) : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => "limit_data";

    internal override void WriteMembers(Utf8JsonWriter writer) => writer.WriteNumber("bytes", Bytes);
}
