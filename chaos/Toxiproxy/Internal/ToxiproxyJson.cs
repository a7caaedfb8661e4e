using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy.Internal;

/// <summary>Toxiproxy's JSON shapes, read tolerantly (unknown members such as "Logger" ignored).</summary>
internal static class ToxiproxyJson
{
    public static ToxiproxyProxy ReadProxy(JsonElement e) => new(
        Str(e, "name"),
        Str(e, "listen"),
        Str(e, "upstream"),
        e.TryGetProperty("enabled", out var en) && en.ValueKind == JsonValueKind.True,
        e.TryGetProperty("toxics", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(ReadToxic).ToList()
            : []);

    public static Toxic ReadToxic(JsonElement e)
    {
        var type = Str(e, "type");
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        if (e.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in a.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var v))
                {
                    values[p.Name] = v;
                }
            }
        }

        var stream = string.Equals(Str(e, "stream"), "upstream", StringComparison.OrdinalIgnoreCase) ? ToxicStream.Upstream : ToxicStream.Downstream;
        var toxicity = e.TryGetProperty("toxicity", out var tx) && tx.ValueKind == JsonValueKind.Number ? Math.Round(tx.GetDouble(), 6) : 1.0;
        return new Toxic(Str(e, "name"), stream, toxicity, ReadAttributes(type, values));
    }

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteProxy(Utf8JsonWriter w, ProxyDefinition proxy)
    {
        w.WriteStartObject();
        w.WriteString("name", proxy.Name);
        w.WriteString("listen", proxy.Listen);
        w.WriteString("upstream", proxy.Upstream);
        w.WriteBoolean("enabled", proxy.Enabled);
        w.WriteEndObject();
    }

    public static void WriteToxic(Utf8JsonWriter w, ToxicDefinition toxic)
    {
        w.WriteStartObject();
        if (toxic.Name is not null)
        {
            w.WriteString("name", toxic.Name);
        }

        w.WriteString("type", toxic.Attributes.Type);
        w.WriteString("stream", toxic.Stream == ToxicStream.Upstream ? "upstream" : "downstream");
        w.WriteNumber("toxicity", toxic.Toxicity);
        w.WriteStartObject("attributes");
        toxic.Attributes.WriteMembers(w);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Toxiproxy's error body, whatever the content type; the raw text when it is not that JSON.</summary>
    public static string ErrorMessage(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON (e.g. a plain-text 404 page): fall through to the raw text.
        }

        return Encoding.UTF8.GetString(body).Trim();
    }

    private static ToxicAttributes ReadAttributes(string type, Dictionary<string, long> v)
    {
        long Get(string name) => v.TryGetValue(name, out var x) ? x : 0;
        TimeSpan Ms(string name) => TimeSpan.FromMilliseconds(Get(name));
        return type switch
        {
            "latency" => new LatencyAttributes(Ms("latency"), Ms("jitter")),
            "bandwidth" => new BandwidthAttributes(Get("rate")),
            "slow_close" => new SlowCloseAttributes(Ms("delay")),
            "timeout" => new TimeoutAttributes(Ms("timeout")),
            "reset_peer" => new ResetPeerAttributes(Ms("timeout")),
            "slicer" => new SlicerAttributes((int)Get("average_size"), (int)Get("size_variation"), TimeSpan.FromTicks(Get("delay") * 10)),
            "limit_data" => new LimitDataAttributes(Get("bytes")),
            "noop" => new NoopAttributes(),
            _ => new UnknownToxicAttributes(type, v),
        };
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
