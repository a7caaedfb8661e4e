using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>slicer: chunks cut into pieces of about <paramref name="AverageSize"/> ± <paramref name="SizeVariation"/> bytes, <paramref name="Delay"/> apart (microsecond precision).</summary>
public sealed record SlicerAttributes(int AverageSize, int SizeVariation, TimeSpan Delay) : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => "slicer";

    internal override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteNumber("average_size", AverageSize);
        writer.WriteNumber("size_variation", SizeVariation);
        writer.WriteNumber("delay", Delay.Ticks / 10);
    }
}
