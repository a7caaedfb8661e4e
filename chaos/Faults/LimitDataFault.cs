using System.Text.Json.Serialization;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>Closes connections after a number of bytes in the direction (Toxiproxy limit_data toxic).</summary>
public sealed record LimitDataFault : Fault
{
    /// <summary>Bytes forwarded before the close; JSON "bytes"; default zero.</summary>
    [JsonPropertyName("bytes")]
    public long Bytes { get; init; }

    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => new LimitDataAttributes(Bytes);

    /// <inheritdoc />
    protected override void ValidateAttributes(List<string> problems)
    {
        RequireRange(problems, "bytes", Bytes, 0, long.MaxValue);
    }
}
