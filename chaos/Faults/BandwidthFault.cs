using System.Text.Json.Serialization;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>Limits throughput (Toxiproxy bandwidth toxic); rate 0 stalls data with connections open.</summary>
public sealed record BandwidthFault : Fault
{
    /// <summary>Rate in KB/s (1 KB = 1000 B); JSON "rateKBps"; default zero (stall).</summary>
    [JsonPropertyName("rateKBps")]
    public long RateKBps { get; init; }

    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => new BandwidthAttributes(RateKBps);

    /// <inheritdoc />
    protected override void ValidateAttributes(List<string> problems)
    {
        RequireRange(problems, "rateKBps", RateKBps, 0, int.MaxValue);
    }
}
