namespace ChatResilience.Client.Outbox;

/// <summary>
/// Durable storage of one client's outbox and room cursors. Operations apply in call order; a completed
/// task means the change is durable. Seqs are assigned by the store, contiguous and never reused.
/// One store belongs to one <c>clientId</c>; it may outlive a client instance (a restart).
/// </summary>
public interface IOutboxStore : IAsyncDisposable
{
    /// <summary>Unsettled entries (seq order), cursors and the next seq, as persisted.</summary>
    ValueTask<OutboxSnapshot> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Unsettled entries right now, including appends not yet committed.</summary>
    int Count { get; }

    /// <summary>
    /// Stores a new entry with the next seq. Throws <see cref="OutboxFullException"/> when
    /// <paramref name="capacity"/> unsettled entries are held.
    /// </summary>
    ValueTask<OutboxEntry> AppendAsync(OutboxDraft draft, int capacity, CancellationToken cancellationToken = default);

    /// <summary>Removes a settled entry (acked, or finally nacked); unknown seqs are ignored.</summary>
    ValueTask SettleAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a room's cursor.</summary>
    ValueTask SaveCursorAsync(RoomCursorState cursor, CancellationToken cancellationToken = default);

    /// <summary>Forgets a room (left).</summary>
    ValueTask RemoveCursorAsync(string room, CancellationToken cancellationToken = default);
}
