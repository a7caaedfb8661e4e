using System.Text.Json.Serialization;

namespace ChatResilience.Simulator.Load.Sharded.Remote;

/// <summary>Source-generated JSON of the remote load protocol (camelCase, nulls omitted, compact).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LoadRegisterRequest))]
[JsonSerializable(typeof(LoadAssignment))]
[JsonSerializable(typeof(LoadClockReading))]
[JsonSerializable(typeof(LoadPoll))]
[JsonSerializable(typeof(LoadOrders))]
[JsonSerializable(typeof(LoadFailure))]
internal sealed partial class RemoteLoadJsonContext : JsonSerializerContext;
