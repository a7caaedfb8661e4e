using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatResilience.Simulator.Scenarios;

/// <summary>Reads durations written for people: <c>"250ms"</c>, <c>"30s"</c>, <c>"2m"</c>, <c>"1h"</c> (decimals allowed).</summary>
internal sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !DurationText.TryParse(reader.GetString(), out var value))
        {
            throw new JsonException("must be a duration such as \"250ms\", \"30s\", \"2m\" or \"1h\"");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(DurationText.Format(value));
}

/// <summary>Parses and formats the duration syntax of scenarios and the command line.</summary>
public static class DurationText
{
    private static readonly (string Suffix, double Ms)[] Units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

    /// <summary>Parses <c>"250ms"</c>, <c>"30s"</c>, <c>"1.5m"</c>, <c>"1h"</c>; false for anything else or a negative value.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        foreach (var (suffix, ms) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
                && double.IsFinite(n) && n * ms <= TimeSpan.MaxValue.TotalMilliseconds)
            {
                value = TimeSpan.FromMilliseconds(n * ms);
                return true;
            }
        }

        return false;
    }

    /// <summary>Formats a duration in the shortest exact unit (<c>30s</c>, <c>250ms</c>).</summary>
    public static string Format(TimeSpan value)
    {
        var ms = value.TotalMilliseconds;
        return ms % 3_600_000 == 0 && ms > 0 ? $"{ms / 3_600_000}h"
            : ms % 60_000 == 0 && ms > 0 ? $"{ms / 60_000}m"
            : ms % 1000 == 0 ? $"{ms / 1000}s"
            : string.Create(CultureInfo.InvariantCulture, $"{ms}ms");
    }
}
