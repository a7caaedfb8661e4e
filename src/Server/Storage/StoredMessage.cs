using ChatResilience.Protocol.Frames;

namespace ChatResilience.Server.Storage;

/// <summary>A message as stored in a room's log: its room place (<see cref="Epoch"/>, <see cref="Seq"/>) and its sender's place.</summary>
public sealed record StoredMessage
{
    public required string Room { get; init; }
    public long Epoch { get; init; }
    public long Seq { get; init; }
    public required string Id { get; init; }
    public required string From { get; init; }
    public required string ClientId { get; init; }
    public long ClientSeq { get; init; }
    public required string Body { get; init; }
    public long SentAt { get; init; }
    public long Basis { get; init; }

    /// <summary>Server time of acceptance, ms since the Unix epoch.</summary>
    public long At { get; init; }

    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>For an assistant answer: the room seq of the message it answers (its dedup key).</summary>
    public long? AnswerFor { get; init; }

    /// <summary>The wire frame for this message.</summary>
    public MsgFrame ToFrame() => new()
    {
        Room = Room,
        Epoch = Epoch,
        Seq = Seq,
        Id = Id,
        From = From,
        ClientId = ClientId,
        ClientSeq = ClientSeq,
        Body = Body,
        SentAt = SentAt,
        Basis = Basis,
        At = At,
        Meta = Meta,
    };
}
