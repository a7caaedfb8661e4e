using System.Text.Json.Serialization;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Simulator.Sharding;

/// <summary>Source-generated JSON of the coordinator/worker protocol (camelCase, nulls omitted).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(WorkerAssignment))]
[JsonSerializable(typeof(ClockReading))]
[JsonSerializable(typeof(WorkerHeartbeat))]
[JsonSerializable(typeof(WorkerCommand))]
[JsonSerializable(typeof(QuiesceReport))]
[JsonSerializable(typeof(WorkerResult))]
[JsonSerializable(typeof(ProtocolError))]
[JsonSerializable(typeof(DevTokenRequest))]
[JsonSerializable(typeof(DevTokenResponse))]
[JsonSerializable(typeof(ShardRunInfo))]
internal sealed partial class ShardingJsonContext : JsonSerializerContext;
