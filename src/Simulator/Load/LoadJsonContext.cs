using System.Text.Json.Serialization;

namespace ChatResilience.Simulator.Load;

/// <summary>Source-generated JSON of the load reports: camelCase, indented; NaN written as "NaN" (a window with no samples).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LoadSummary))]
[JsonSerializable(typeof(LoadSeries))]
[JsonSerializable(typeof(Sharded.LoadShardResult))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
