using System.Text.Json.Serialization;

namespace ChatResilience.Server.Hosting;

/// <summary>Body of <c>POST /dev/token</c> (development only).</summary>
public sealed record DevTokenRequest
{
    public string? Sub { get; init; }
    public bool? Admin { get; init; }
    public long? LifetimeSeconds { get; init; }
}

/// <summary>Answer of <c>POST /dev/token</c>: the token and its expiry in ms since the Unix epoch.</summary>
public sealed record DevTokenResponse(string Token, long Exp);

/// <summary>Source-generated JSON of the host's own endpoints.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DevTokenRequest))]
[JsonSerializable(typeof(DevTokenResponse))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
