using System.Text.Json;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Proxy.Internal.Api;

/// <summary>Writes Toxiproxy's JSON shapes: proxy and toxic objects (attributes always complete).</summary>
internal static class ApiJson
{
    public static void WriteProxy(Utf8JsonWriter writer, ProxySnapshot proxy)
    {
        writer.WriteStartObject();
        writer.WriteString("name", proxy.Name);
        writer.WriteString("listen", proxy.Listen);
        writer.WriteString("upstream", proxy.Upstream);
        writer.WriteBoolean("enabled", proxy.Enabled);
        writer.WritePropertyName("toxics");
        WriteToxics(writer, proxy.Toxics);
        writer.WriteEndObject();
    }

    public static void WriteToxics(Utf8JsonWriter writer, IEnumerable<ToxicSpec> toxics)
    {
        writer.WriteStartArray();
        foreach (var toxic in toxics)
        {
            WriteToxic(writer, toxic);
        }

        writer.WriteEndArray();
    }

    public static void WriteToxic(Utf8JsonWriter writer, ToxicSpec toxic)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("attributes");
        var names = ToxicKinds.AttributeNames(toxic.Kind);
        for (var i = 0; i < names.Count; i++)
        {
            writer.WriteNumber(names[i], toxic.Attributes[i]);
        }

        writer.WriteEndObject();
        writer.WriteString("name", toxic.Name);
        writer.WriteString("type", ToxicKinds.WireName(toxic.Kind));
        writer.WriteString("stream", ToxicKinds.WireName(toxic.Stream));
        writer.WriteNumber("toxicity", toxic.Toxicity);
        writer.WriteEndObject();
    }
}
