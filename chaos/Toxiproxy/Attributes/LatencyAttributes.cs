using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>latency: each chunk delayed by <paramref name="Latency"/> ± <paramref name="Jitter"/> (uniform).</summary>
public sealed record LatencyAttributes(TimeSpan Latency, TimeSpan Jitter = default) : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => "latency";

    internal override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteNumber("latency", Ms(Latency));
        writer.WriteNumber("jitter", Ms(Jitter));
    }
}
