using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>bandwidth: data paced to <paramref name="RateKBps"/> KB/s (1 KB = 1000 B); 0 stalls.</summary>
public sealed record BandwidthAttributes(long RateKBps) : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => "bandwidth";

    internal override void WriteMembers(Utf8JsonWriter writer) => writer.WriteNumber("rate", RateKBps);
}
