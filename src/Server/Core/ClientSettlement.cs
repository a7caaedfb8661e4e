using System.Collections.Concurrent;
using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Core;

/// <summary>
/// Settlement state of one (user, client), shared by its successive sessions: the in-order mark (pending
/// commits included), the once-only out_of_order flag, and the sends whose outcome is not yet in the log.
/// <see cref="Gate"/> serialises decisions across rooms and across a superseded and a new session.
/// </summary>
internal sealed class ClientSettlement(string userId, string clientId)
{
    public string UserId { get; } = userId;

    public string ClientId { get; } = clientId;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Null until loaded from the log; a client the log has never seen starts at 0 (expects seq 1).</summary>
    public long? Mark { get; set; }

    public bool Loaded { get; set; }

    public bool OutOfOrderSaid { get; set; }

    /// <summary>Settlements decided but not yet recorded: seq → (id, outcome when recorded).</summary>
    public ConcurrentDictionary<long, PendingSettlement> Pending { get; } = new();
}

/// <summary>A settlement in progress; <see cref="Outcome"/> completes once it is recorded in the log.</summary>
internal sealed record PendingSettlement(string Id, Task<SettlementOutcome> Outcome);
