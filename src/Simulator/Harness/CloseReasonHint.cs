using System.Text.Json;

namespace ChatResilience.Simulator.Harness;

/// <summary>Reads the <c>{"retryAfterMs": n}</c> hint a close reason may carry (1001, 1013, 4429).</summary>
internal static class CloseReasonHint
{
    public static long? Parse(string? reason)
    {
        if (string.IsNullOrEmpty(reason) || reason[0] != '{')
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(reason);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("retryAfterMs", out var v)
                && v.TryGetInt64(out var ms) && ms >= 0 ? ms : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
