using System.Text.Json.Serialization;
using ChatResilience.Protocol.Codec;

namespace ChatResilience.Server.Core;

/// <summary>Source-generated JSON for what the server writes outside frames (close-reason retry hints).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RetryHint))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
