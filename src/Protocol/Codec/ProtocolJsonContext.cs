using System.Text.Json.Serialization;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Protocol.Codec;

/// <summary>
/// Source-generated System.Text.Json metadata for every frame: no reflection at run time.
/// <c>t</c> may come anywhere in the object (a Dart or browser client need not put it first);
/// non-nullable fields reject <c>null</c>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(Frame))]
[JsonSerializable(typeof(MsgFrame))]
[JsonSerializable(typeof(RetryHint))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
