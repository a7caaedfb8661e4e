namespace ChatResilience.Client.Outbox;

/// <summary>
/// One durable unsettled send. <see cref="Seq"/> and <see cref="Id"/> are fixed once stored and replayed
/// unchanged after reconnects and restarts (PROTOCOL.md §6.1).
/// </summary>
public sealed record OutboxEntry
{
    /// <summary>Unique message id.</summary>
    public required string Id { get; init; }

    /// <summary>The client's counter (1, 2, 3 …), never reused.</summary>
    public required long Seq { get; init; }

    /// <summary>Target room.</summary>
    public required string Room { get; init; }

    /// <summary>Message text.</summary>
    public required string Body { get; init; }

    /// <summary>Optional metadata.</summary>
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>When it was composed, by the client's own clock (ms since the Unix epoch).</summary>
    public long CreatedAtMs { get; init; }

    /// <summary>The room seq the client held when composing.</summary>
    public long Basis { get; init; }
}
