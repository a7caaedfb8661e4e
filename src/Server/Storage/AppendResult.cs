namespace ChatResilience.Server.Storage;

/// <summary>The stored message, and whether it already existed (an assistant answer deduplicated by its trigger).</summary>
public sealed record AppendResult(StoredMessage Message, bool Duplicate);

/// <summary>Thrown by an append to a room that does not exist or was deleted.</summary>
public sealed class RoomUnavailableException : Exception
{
    public RoomUnavailableException()
        : base("room unavailable")
    {
    }

    public RoomUnavailableException(string message)
        : base(message)
    {
    }

    public RoomUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>What retention may remove from one room: beyond <see cref="MaxMessages"/>, or older than <see cref="MinAtMs"/>, but never a seq at or above <see cref="ProtectFromSeq"/>.</summary>
public readonly record struct RetentionCut(long MaxMessages, long MinAtMs, long ProtectFromSeq);
