using System.Text.Json.Serialization;

namespace ChatResilience.Chaos.Faults;

/// <summary>Which direction(s) of a proxied connection a fault affects.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultDirection>))]
public enum FaultDirection
{
    /// <summary>Client to server.</summary>
    [JsonStringEnumMemberName("upstream")]
    Upstream,

    /// <summary>Server to client.</summary>
    [JsonStringEnumMemberName("downstream")]
    Downstream,

    /// <summary>Both directions (two toxics).</summary>
    [JsonStringEnumMemberName("both")]
    Both,
}
