using System.Text.Json.Serialization;

namespace ChatResilience.Client.Outbox;

/// <summary>Source-generated JSON for the <c>meta</c> column.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;
