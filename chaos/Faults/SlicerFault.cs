using System.Text.Json.Serialization;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>Cuts chunks into small pieces written apart (Toxiproxy slicer toxic).</summary>
public sealed record SlicerFault : Fault
{
    /// <summary>Average piece size in bytes, at least 1; JSON "averageSize"; default 1.</summary>
    [JsonPropertyName("averageSize")]
    public int AverageSize { get; set; } = 1; // set, not init: see Fault.Direction

    /// <summary>Piece size variation in bytes, at most averageSize; JSON "sizeVariation"; default zero.</summary>
    [JsonPropertyName("sizeVariation")]
    public int SizeVariation { get; init; }

    /// <summary>Pause between pieces; JSON "delayUs" (microseconds); default zero.</summary>
    [JsonPropertyName("delayUs")]
    [JsonConverter(typeof(MicrosecondsConverter))]
    public TimeSpan Delay { get; init; }

    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => new SlicerAttributes(AverageSize, SizeVariation, Delay);

    /// <inheritdoc />
    protected override void ValidateAttributes(List<string> problems)
    {
        RequireRange(problems, "averageSize", AverageSize, 1, int.MaxValue);
        RequireRange(problems, "sizeVariation", SizeVariation, 0, Math.Max(0, AverageSize));
        RequireRange(problems, "delayUs", Delay.Ticks / 10.0, 0, int.MaxValue);
    }
}
