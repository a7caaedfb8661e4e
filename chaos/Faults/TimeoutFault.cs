using System.Text.Json.Serialization;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>Blackholes data; closes the connection after an idle timeout (zero: never) (Toxiproxy timeout toxic).</summary>
public sealed record TimeoutFault : Fault
{
    /// <summary>Idle time before the close, zero = blackhole forever; JSON "timeoutMs"; default zero.</summary>
    [JsonPropertyName("timeoutMs")]
    [JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan Timeout { get; init; }

    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => new TimeoutAttributes(Timeout);

    /// <inheritdoc />
    protected override void ValidateAttributes(List<string> problems)
    {
        RequireMilliseconds(problems, "timeoutMs", Timeout);
    }
}
