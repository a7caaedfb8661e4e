namespace ChatResilience.Protocol;

/// <summary>
/// The only exception the codec throws: a frame that cannot be accepted, with the PROTOCOL.md §7 code
/// the peer should be answered with. Carries whatever could be salvaged (type, rid, a send's id and seq)
/// so a server can still settle an invalid <c>send</c> with a <c>nack</c> (PROTOCOL.md §6.2).
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    public ProtocolException()
        : this(ErrorCodes.InvalidFrame, "invalid frame")
    {
    }

    public ProtocolException(string message)
        : this(ErrorCodes.InvalidFrame, message)
    {
    }

    public ProtocolException(string message, Exception inner)
        : this(ErrorCodes.InvalidFrame, message, inner)
    {
    }

    /// <summary>The error code of PROTOCOL.md §7 (<see cref="ErrorCodes"/>).</summary>
    public string Code { get; }

    /// <summary>The frame's <c>t</c>, when it could be read.</summary>
    public string? FrameType { get; init; }

    /// <summary>The frame's <c>rid</c>, when it could be read.</summary>
    public string? Rid { get; init; }

    /// <summary>A <c>send</c>'s <c>id</c>, when it could be read.</summary>
    public string? SendId { get; init; }

    /// <summary>A <c>send</c>'s <c>seq</c>, when it could be read.</summary>
    public long? SendSeq { get; init; }

    /// <summary>True when the payload could not be decoded at all (bad UTF-8, bad compression): close 1007.</summary>
    public bool Undecodable { get; init; }

    /// <summary>A copy with salvaged fields filled in.</summary>
    internal ProtocolException WithSalvage(FrameSalvage salvage) =>
        new(Code, Message, InnerException)
        {
            FrameType = FrameType ?? salvage.Type,
            Rid = Rid ?? salvage.Rid,
            SendId = SendId ?? salvage.Id,
            SendSeq = SendSeq ?? salvage.Seq,
            Undecodable = Undecodable,
        };
}
