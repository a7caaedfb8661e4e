using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>slow_close: closing the destination postponed by <paramref name="Delay"/>.</summary>
public sealed record SlowCloseAttributes(TimeSpan Delay) : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => "slow_close";

    internal override void WriteMembers(Utf8JsonWriter writer) => writer.WriteNumber("delay", Ms(Delay));
}
