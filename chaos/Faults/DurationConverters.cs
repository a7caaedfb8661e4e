using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatResilience.Chaos.Faults;

/// <summary>A <see cref="TimeSpan"/> as an integer count of milliseconds ("latencyMs": 200).</summary>
public sealed class MillisecondsConverter : JsonConverter<TimeSpan>
{
    /// <inheritdoc />
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var ms) && Math.Abs(ms) <= (long)TimeSpan.MaxValue.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(ms)
            : throw new JsonException("expected an integer number of milliseconds");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue((long)value.TotalMilliseconds);
    }
}

/// <summary>A <see cref="TimeSpan"/> as an integer count of microseconds ("delayUs": 500).</summary>
public sealed class MicrosecondsConverter : JsonConverter<TimeSpan>
{
    /// <inheritdoc />
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var us) && Math.Abs(us) <= TimeSpan.MaxValue.Ticks / 10
            ? TimeSpan.FromTicks(us * 10)
            : throw new JsonException("expected an integer number of microseconds");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value.Ticks / 10);
    }
}
