using System.Text;
using System.Text.Json;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using Json.Schema;

namespace ChatResilience.Protocol.Tests.Codec;

/// <summary>The language-neutral vectors of protocol/vectors, checked both ways against the codec and the schema.</summary>
public sealed class ProtocolVectorTests
{
    // Invalid inputs that the schema cannot reject, each for a stated reason; every other invalid JSON
    // object must fail the schema too, so the schema and the codec cannot drift apart unnoticed.
    private static readonly Dictionary<string, string> SchemaBlindSpots = new()
    {
        ["seq-float-zero-fraction"] = "JSON Schema treats 1.0 as an integer",
        ["seq-exponent"] = "JSON Schema treats 1e3 as an integer",
        ["body-too-large-multibyte"] = "maxLength counts characters, the limit is UTF-8 bytes",
        ["history-limit-over-max"] = "the maximum is the server's historyMaxLimit, announced in welcome",
        ["too-deep"] = "nesting depth is a decoder limit",
    };

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(ProtocolVectors.SchemaPath)));

    [Fact]
    public void Vectors_AreThere_InTheAdvertisedNumbers()
    {
        Assert.True(ProtocolVectors.ValidNames().Count >= 25);
        Assert.True(ProtocolVectors.InvalidNames().Count >= 40);
    }

    [Theory]
    [MemberData(nameof(ProtocolVectors.ValidNames), MemberType = typeof(ProtocolVectors))]
    public void Valid_BytesDecodeToTheFrame_AndEncodeBackExactly(string name)
    {
        var vector = ProtocolVectors.Valid(name);
        var bytes = Encoding.UTF8.GetBytes(vector.Bytes);

        var fromBytes = FrameCodec.Decode(bytes);
        var fromObject = FrameCodec.Decode(Encoding.UTF8.GetBytes(vector.Frame.GetRawText()));

        Assert.Equivalent(fromObject, fromBytes, strict: true);
        Assert.Equal(vector.Bytes, Encoding.UTF8.GetString(FrameCodec.EncodeToArray(fromBytes)));
    }

    [Theory]
    [MemberData(nameof(ProtocolVectors.ValidNames), MemberType = typeof(ProtocolVectors))]
    public void Valid_FrameAndBytes_SatisfyTheSchema(string name)
    {
        var vector = ProtocolVectors.Valid(name);
        AssertSchema(vector.Frame, valid: true);
        using var bytes = JsonDocument.Parse(vector.Bytes);
        AssertSchema(bytes.RootElement, valid: true);
    }

    [Theory]
    [MemberData(nameof(ProtocolVectors.InvalidNames), MemberType = typeof(ProtocolVectors))]
    public void Invalid_DecodesToExactlyTheCode(string name)
    {
        var vector = ProtocolVectors.Invalid(name);
        var transcoder = new FrameTranscoder(FrameLimits.Default);

        var e = Assert.Throws<ProtocolException>(() => transcoder.Decode(new WireMessage(vector.Input, vector.Binary)));

        Assert.Equal(vector.Code, e.Code);
    }

    [Theory]
    [MemberData(nameof(ProtocolVectors.InvalidNames), MemberType = typeof(ProtocolVectors))]
    public void Invalid_JsonValues_AreRejectedByTheSchemaToo(string name)
    {
        var vector = ProtocolVectors.Invalid(name);
        var key = Path.GetFileNameWithoutExtension(name)[3..];
        if (vector.Binary || !System.Text.Unicode.Utf8.IsValid(vector.Input))
        {
            return; // not text: nothing for a schema to judge
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(vector.Input);
        }
        catch (JsonException)
        {
            return; // not JSON: nothing for a schema to judge
        }

        using (doc)
        {
            AssertSchema(doc.RootElement, valid: SchemaBlindSpots.ContainsKey(key));
        }
    }

    [Fact]
    public void Schema_ListsEveryFrameType()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ProtocolVectors.SchemaPath));
        var types = doc.RootElement.GetProperty("properties").GetProperty("t").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(Protocol.Frames.FrameTypes.All.Order(), types.Order());
        Assert.Equal(19, doc.RootElement.GetProperty("oneOf").GetArrayLength());
    }

    private static void AssertSchema(JsonElement instance, bool valid)
    {
        var result = Schema.Value.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid == valid, $"schema said {(result.IsValid ? "valid" : "invalid")} for {instance.GetRawText()[..Math.Min(200, instance.GetRawText().Length)]}");
    }
}
