using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>reset_peer: after the first chunk, waits <paramref name="Timeout"/> then resets both peers (RST).</summary>
public sealed record ResetPeerAttributes(TimeSpan Timeout) : ToxicAttributes
{
    /// <inheritdoc />
    public override string Type => "reset_peer";

    internal override void WriteMembers(Utf8JsonWriter writer) => writer.WriteNumber("timeout", Ms(Timeout));
}
