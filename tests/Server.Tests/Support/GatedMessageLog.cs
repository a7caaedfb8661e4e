using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Tests.Support;

/// <summary>An in-memory log whose appends wait for <see cref="Open"/> while <see cref="Hold"/> is set: commits left pending on purpose.</summary>
internal sealed class GatedMessageLog : IMessageLog
{
    private readonly InMemoryMessageLog _inner = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Hold { get; set; }

    /// <summary>Lets every held append commit.</summary>
    public void Open() => _gate.TrySetResult();

    public ValueTask<AppendResult> AppendAsync(StoredMessage message, string? senderUserId, Action<StoredMessage>? onCommitted = null, CancellationToken cancellationToken = default) =>
        Hold ? HeldAppendAsync(message, senderUserId, onCommitted, cancellationToken) : _inner.AppendAsync(message, senderUserId, onCommitted, cancellationToken);

    public ValueTask<RoomInfo?> GetRoomAsync(string room, CancellationToken cancellationToken = default) => _inner.GetRoomAsync(room, cancellationToken);

    public ValueTask<RoomInfo> EnsureRoomAsync(string room, CancellationToken cancellationToken = default) => _inner.EnsureRoomAsync(room, cancellationToken);

    public ValueTask<RoomInfo?> DeleteRoomAsync(string room, CancellationToken cancellationToken = default) => _inner.DeleteRoomAsync(room, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListRoomsAsync(CancellationToken cancellationToken = default) => _inner.ListRoomsAsync(cancellationToken);

    public ValueTask<IReadOnlyList<StoredMessage>> ReadAsync(string room, long afterSeq, int limit, CancellationToken cancellationToken = default) => _inner.ReadAsync(room, afterSeq, limit, cancellationToken);

    public ValueTask<long> TrimAsync(string room, RetentionCut cut, CancellationToken cancellationToken = default) => _inner.TrimAsync(room, cut, cancellationToken);

    public ValueTask RecordOutcomeAsync(SettlementOutcome outcome, CancellationToken cancellationToken = default) => _inner.RecordOutcomeAsync(outcome, cancellationToken);

    public ValueTask<SettlementOutcome?> GetOutcomeAsync(string userId, string clientId, long seq, CancellationToken cancellationToken = default) => _inner.GetOutcomeAsync(userId, clientId, seq, cancellationToken);

    public ValueTask<long?> GetClientMarkAsync(string userId, string clientId, CancellationToken cancellationToken = default) => _inner.GetClientMarkAsync(userId, clientId, cancellationToken);

    public ValueTask<int> TrimOutcomesAsync(long olderThanAtMs, CancellationToken cancellationToken = default) => _inner.TrimOutcomesAsync(olderThanAtMs, cancellationToken);

    public ValueTask SetMembershipAsync(string room, string userId, MembershipState state, CancellationToken cancellationToken = default) => _inner.SetMembershipAsync(room, userId, state, cancellationToken);

    public ValueTask<MembershipState> GetMembershipAsync(string room, string userId, CancellationToken cancellationToken = default) => _inner.GetMembershipAsync(room, userId, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetMembersAsync(string room, CancellationToken cancellationToken = default) => _inner.GetMembersAsync(room, cancellationToken);

    public ValueTask SetReadMarkerAsync(string room, string userId, long seq, CancellationToken cancellationToken = default) => _inner.SetReadMarkerAsync(room, userId, seq, cancellationToken);

    public ValueTask<long?> GetReadMarkerAsync(string room, string userId, CancellationToken cancellationToken = default) => _inner.GetReadMarkerAsync(room, userId, cancellationToken);

    public ValueTask<IReadOnlyList<StoredMessage>> GetUnansweredAsync(string room, string assistantUserId, CancellationToken cancellationToken = default) => _inner.GetUnansweredAsync(room, assistantUserId, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private async ValueTask<AppendResult> HeldAppendAsync(StoredMessage message, string? senderUserId, Action<StoredMessage>? onCommitted, CancellationToken cancellationToken)
    {
        await _gate.Task;
        return await _inner.AppendAsync(message, senderUserId, onCommitted, cancellationToken);
    }
}
