using System.Text.Json.Serialization;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>Adds latency (± jitter, uniform) to every chunk (Toxiproxy latency toxic).</summary>
public sealed record LatencyFault : Fault
{
    /// <summary>Delay added to each chunk; JSON "latencyMs"; default zero.</summary>
    [JsonPropertyName("latencyMs")]
    [JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan Latency { get; init; }

    /// <summary>Uniform jitter around the latency; JSON "jitterMs"; default zero.</summary>
    [JsonPropertyName("jitterMs")]
    [JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan Jitter { get; init; }

    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => new LatencyAttributes(Latency, Jitter);

    /// <inheritdoc />
    protected override void ValidateAttributes(List<string> problems)
    {
        RequireMilliseconds(problems, "latencyMs", Latency);
        RequireMilliseconds(problems, "jitterMs", Jitter);
    }
}
