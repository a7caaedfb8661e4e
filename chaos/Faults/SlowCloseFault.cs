using System.Text.Json.Serialization;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>Postpones closing the destination after the source closed (Toxiproxy slow_close toxic).</summary>
public sealed record SlowCloseFault : Fault
{
    /// <summary>Delay before the close; JSON "delayMs"; default zero.</summary>
    [JsonPropertyName("delayMs")]
    [JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan Delay { get; init; }

    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => new SlowCloseAttributes(Delay);

    /// <inheritdoc />
    protected override void ValidateAttributes(List<string> problems)
    {
        RequireMilliseconds(problems, "delayMs", Delay);
    }
}
