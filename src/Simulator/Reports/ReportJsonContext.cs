using System.Text.Json.Serialization;

namespace ChatResilience.Simulator.Reports;

/// <summary>Source-generated JSON of the reports: camelCase, indented, enums as strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(RunSeries))]
[JsonSerializable(typeof(ViolationReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
