using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace ChatResilience.Client.Session;

/// <summary>Small readers for values inside strings: a close reason's retry hint and a JWT's expiry.</summary>
internal static class ReasonParser
{
    /// <summary><c>{"retryAfterMs": n}</c> in a close reason, or null.</summary>
    public static TimeSpan? RetryHint(string? reason)
    {
        var ms = ReadLong(reason is null ? default : Encoding.UTF8.GetBytes(reason), "retryAfterMs");
        return ms is >= 0 and <= 86_400_000 ? TimeSpan.FromMilliseconds(ms.Value) : null;
    }

    /// <summary>The <c>exp</c> claim of a JWT, in ms since the Unix epoch, or null if not a readable JWT.</summary>
    public static long? JwtExpiryMs(string? token)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 3 })
        {
            return null;
        }

        var payload = parts[1];
        var bytes = new byte[Base64Url.GetMaxDecodedLength(payload.Length)];
        if (Base64Url.DecodeFromChars(payload, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        var seconds = ReadLong(bytes.AsSpan(0, written), "exp");
        return seconds is > 0 and < 100_000_000_000 ? seconds * 1000 : null;
    }

    private static long? ReadLong(ReadOnlySpan<byte> json, string property)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(property);
                reader.Read();
                if (match && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
                {
                    return value;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
