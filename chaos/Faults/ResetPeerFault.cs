using System.Text.Json.Serialization;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>Resets connections (TCP RST) after the first chunk plus a timeout (Toxiproxy reset_peer toxic).</summary>
public sealed record ResetPeerFault : Fault
{
    /// <summary>Wait after the first chunk before the reset; JSON "timeoutMs"; default zero.</summary>
    [JsonPropertyName("timeoutMs")]
    [JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan Timeout { get; init; }

    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => new ResetPeerAttributes(Timeout);

    /// <inheritdoc />
    protected override void ValidateAttributes(List<string> problems)
    {
        RequireMilliseconds(problems, "timeoutMs", Timeout);
    }
}
