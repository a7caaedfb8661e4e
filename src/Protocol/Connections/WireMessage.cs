namespace ChatResilience.Protocol.Connections;

/// <summary>
/// One WebSocket message: a text frame (UTF-8 JSON) or a binary frame (codec byte + compressed JSON).
/// The payload is never mutated after creation, so one encoded broadcast can be shared by every recipient.
/// </summary>
public readonly record struct WireMessage(ReadOnlyMemory<byte> Payload, bool IsBinary)
{
    public static WireMessage Text(ReadOnlyMemory<byte> json) => new(json, false);
}

/// <summary>How a connection ended: the close code and reason, as sent by the side that closed.</summary>
public sealed record CloseInfo(int Code, string? Reason, bool ClosedByPeer)
{
    /// <summary>The code when a connection dropped without a close frame (RFC 6455 §7.1.5).</summary>
    public const int AbnormalClosure = 1006;
}
