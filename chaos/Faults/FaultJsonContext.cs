using System.Text.Json.Serialization;

namespace ChatResilience.Chaos.Faults;

/// <summary>
/// Source-generated JSON metadata for faults (camelCase, "type" discriminator anywhere in the object).
/// Combine it with another context through <c>JsonTypeInfoResolver.Combine</c> to embed faults in other files.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = false)]
[JsonSerializable(typeof(Fault))]
[JsonSerializable(typeof(List<Fault>))]
public sealed partial class FaultJsonContext : JsonSerializerContext;
