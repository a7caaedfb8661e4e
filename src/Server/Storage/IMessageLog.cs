namespace ChatResilience.Server.Storage;

/// <summary>
/// The durable per-room log, plus the small state that must survive a restart with it: settlement
/// outcomes and client marks (dedup), memberships, read markers and assistant-answer dedup.
/// Appends are committed in order; <c>onCommitted</c> callbacks run in seq order per room, after the
/// commit and before the returned task completes, so a broadcast never precedes durability.
/// </summary>
public interface IMessageLog : IAsyncDisposable
{
    /// <summary>The room's position, or null when it never existed.</summary>
    ValueTask<RoomInfo?> GetRoomAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>Creates the room at epoch 1, recreates a deleted one at the next epoch, or returns it.</summary>
    ValueTask<RoomInfo> EnsureRoomAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>Drops the room's messages and memberships and leaves a tombstone; null when it did not exist.</summary>
    ValueTask<RoomInfo?> DeleteRoomAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>Every room that is not deleted.</summary>
    ValueTask<IReadOnlyList<string>> ListRoomsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a message (its Epoch and Seq are assigned here). With a sender outcome the ack is recorded in
    /// the same commit and the client's mark advanced. An answer (<see cref="StoredMessage.AnswerFor"/>) that
    /// already exists is returned as a duplicate instead. Throws <see cref="RoomUnavailableException"/>.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(StoredMessage message, string? senderUserId, Action<StoredMessage>? onCommitted = null, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> retained messages with seq &gt; <paramref name="afterSeq"/>, in order.</summary>
    ValueTask<IReadOnlyList<StoredMessage>> ReadAsync(string room, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Applies retention to one room; returns its new first retained seq.</summary>
    ValueTask<long> TrimAsync(string room, RetentionCut cut, CancellationToken cancellationToken = default);

    /// <summary>Records a final nack and advances the client's mark.</summary>
    ValueTask RecordOutcomeAsync(SettlementOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>The recorded outcome of a (user, client, seq), or null (never settled, or past retention).</summary>
    ValueTask<SettlementOutcome?> GetOutcomeAsync(string userId, string clientId, long seq, CancellationToken cancellationToken = default);

    /// <summary>The highest settled seq of a client, or null when the log has never seen it.</summary>
    ValueTask<long?> GetClientMarkAsync(string userId, string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets outcomes settled before <paramref name="olderThanAtMs"/> (marks are kept). A log may keep an ack
    /// answerable for as long as its message is retained (SQLite keeps the ack in the message row).
    /// </summary>
    ValueTask<int> TrimOutcomesAsync(long olderThanAtMs, CancellationToken cancellationToken = default);

    ValueTask SetMembershipAsync(string room, string userId, MembershipState state, CancellationToken cancellationToken = default);

    ValueTask<MembershipState> GetMembershipAsync(string room, string userId, CancellationToken cancellationToken = default);

    /// <summary>Users currently members of the room.</summary>
    ValueTask<IReadOnlyList<string>> GetMembersAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>Raises the user's read marker to <paramref name="seq"/> (never lowers it).</summary>
    ValueTask SetReadMarkerAsync(string room, string userId, long seq, CancellationToken cancellationToken = default);

    ValueTask<long?> GetReadMarkerAsync(string room, string userId, CancellationToken cancellationToken = default);

    /// <summary>Retained messages not from <paramref name="assistantUserId"/> that have no stored answer, in seq order.</summary>
    ValueTask<IReadOnlyList<StoredMessage>> GetUnansweredAsync(string room, string assistantUserId, CancellationToken cancellationToken = default);
}
