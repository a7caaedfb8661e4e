using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Protocol.Tests.Frames;

public sealed class FrameShapeTests
{
    [Fact]
    public void Samples_CoverEveryFrameType_InBothVariants()
    {
        Assert.Equal(FrameTypes.All.Order(), SampleFrames.Full().Select(f => f.Frame.Type).Order());
        Assert.Equal(FrameTypes.All.Order(), SampleFrames.Minimal().Select(f => f.Frame.Type).Order());
        Assert.Equal(19, FrameTypes.All.Count);
    }

    [Fact]
    public void FullSamples_SetEveryOptionalField()
    {
        foreach (var (name, frame) in SampleFrames.Full())
        {
            var unset = WireProperties(frame).Where(p => p.Value is null).Select(p => p.Name).ToList();
            Assert.True(unset.Count == 0, $"{name}: unset {string.Join(", ", unset)}");
        }
    }

    [Fact]
    public void MinimalSamples_LeaveEveryOptionalFieldUnset()
    {
        foreach (var (name, frame) in SampleFrames.Minimal())
        {
            var nullability = new NullabilityInfoContext();
            var set = WireProperties(frame)
                .Where(p => nullability.Create(p.Property).ReadState == NullabilityState.Nullable && p.Value is not null)
                .Select(p => p.Name).ToList();
            Assert.True(set.Count == 0, $"{name}: set {string.Join(", ", set)}");
        }
    }

    [Theory]
    [MemberData(nameof(SampleFrames.Cases), MemberType = typeof(SampleFrames))]
    public void Encode_WritesTypeFirst_AndExactlyTheSetFields(string name, bool full)
    {
        var frame = SampleFrames.Get(name, full);
        using var doc = JsonDocument.Parse(FrameCodec.EncodeToArray(frame));
        var written = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal("t", written[0]);
        Assert.Equal(frame.Type, doc.RootElement.GetProperty("t").GetString());
        var expected = WireProperties(frame).Where(p => p.Value is not null).Select(p => p.Name).Prepend("t");
        Assert.Equal(expected.Order(), written.Order());
    }

    // The record's serialised properties, with their wire names: what the codec must write when set.
    internal static IEnumerable<(string Name, PropertyInfo Property, object? Value)> WireProperties(Frame frame) =>
        frame.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && p.Name != nameof(Frame.Type))
            .Select(p => (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name), p, p.GetValue(frame)));
}
