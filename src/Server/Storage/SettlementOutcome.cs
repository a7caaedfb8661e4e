namespace ChatResilience.Server.Storage;

/// <summary>
/// How a (user, client, seq) was settled, kept for the retention period so a replayed send gets the same
/// answer (PROTOCOL.md §6.1). An empty <see cref="Id"/> marks a <c>cancel</c>, which matches any id.
/// </summary>
public sealed record SettlementOutcome
{
    public required string UserId { get; init; }
    public required string ClientId { get; init; }
    public required long Seq { get; init; }
    public required string Id { get; init; }
    public required string Room { get; init; }

    /// <summary>The room seq of an ack; null for a nack.</summary>
    public long? RoomSeq { get; init; }

    /// <summary>The final nack code; null for an ack.</summary>
    public string? NackCode { get; init; }

    public string? NackReason { get; init; }

    /// <summary>Settlement time, ms since the Unix epoch (drives outcome retention).</summary>
    public long At { get; init; }

    public bool IsAck => NackCode is null;
}
