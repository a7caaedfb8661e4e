using System.Text.Json.Serialization;

namespace ChatResilience.Server.Storage;

/// <summary>Source-generated JSON for what the SQLite log stores as text (message meta).</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
