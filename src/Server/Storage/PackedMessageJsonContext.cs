using System.Text.Json.Serialization;

namespace ChatResilience.Server.Storage;

/// <summary>
/// Source-generated JSON for the in-memory log's packed messages (<see cref="PackedMessageList"/>). Its options
/// are fixed here, not at run time, so serialization takes the generated fast path (direct writer calls).
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredMessage))]
internal sealed partial class PackedMessageJsonContext : JsonSerializerContext;
