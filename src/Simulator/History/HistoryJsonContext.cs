using System.Text.Json.Serialization;

namespace ChatResilience.Simulator.History;

/// <summary>
/// Source-generated JSON for history events (no reflection, trimming-safe): camelCase, nulls omitted, the type
/// in the <c>e</c> discriminator (see <see cref="HistoryEvent"/>), which may appear anywhere in an object on read.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(HistoryEvent))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
