using System.Text.Json.Serialization;

namespace ChatResilience.Simulator.History;

/// <summary>
/// One thing the harness saw happen during a run. Every event carries the time it was observed, in
/// milliseconds since the run started on the coordinator's clock (a worker corrects its own clock by its
/// measured offset before recording), and the worker that observed it, so histories recorded by several
/// processes merge into one by sorting on <see cref="AtMs"/>.
/// The invariant checkers read only these events: one set of checkers judges every kind of run.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "e")]
[JsonDerivedType(typeof(ConnectAttemptEvent), "connect")]
[JsonDerivedType(typeof(ConnectionClosedEvent), "closed")]
[JsonDerivedType(typeof(SendAcceptedEvent), "accepted")]
[JsonDerivedType(typeof(SendRefusedEvent), "refused")]
[JsonDerivedType(typeof(AckedEvent), "acked")]
[JsonDerivedType(typeof(FailedEvent), "failed")]
[JsonDerivedType(typeof(WireNackEvent), "wire-nack")]
[JsonDerivedType(typeof(DeliveredEvent), "delivered")]
[JsonDerivedType(typeof(JoinedEvent), "joined")]
[JsonDerivedType(typeof(LeftEvent), "left")]
[JsonDerivedType(typeof(MembershipEvent), "membership")]
[JsonDerivedType(typeof(FaultEvent), "fault")]
[JsonDerivedType(typeof(HarnessEvent), "harness")]
[JsonDerivedType(typeof(WireGapEvent), "wire-gap")]
public abstract record HistoryEvent
{
    /// <summary>Milliseconds since the run started (coordinator clock).</summary>
    public long AtMs { get; init; }

    /// <summary>The worker process that recorded the event (0 for a single-process run).</summary>
    public int Worker { get; init; }
}

/// <summary>
/// A connection attempt, timestamped by the connection factory the harness injects into each client — not
/// taken from the client's own log, so a client that lies about its backoff is caught.
/// </summary>
public sealed record ConnectAttemptEvent : HistoryEvent
{
    public required string ClientId { get; init; }

    /// <summary>"connected", "rejected:&lt;http status&gt;" or "failed".</summary>
    public required string Outcome { get; init; }

    /// <summary>The retry hint the previous close or rejection carried, in ms, if any.</summary>
    public long? HintMs { get; init; }

    /// <summary>
    /// When the attempt began (the factory was called), in ms since the run started; <see cref="HistoryEvent.AtMs"/>
    /// is when its outcome was known. Null means the same as AtMs. Backoff delays are measured to this instant, so a
    /// slow connect (latency toxic) does not count as waiting.
    /// </summary>
    public long? StartedAtMs { get; init; }
}

/// <summary>A connection ended, as seen by the harness's connection wrapper.</summary>
public sealed record ConnectionClosedEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public int Code { get; init; }
    public string? Reason { get; init; }

    /// <summary>True when the server (or the network) ended it, false when the client closed.</summary>
    public bool ByPeer { get; init; }

    /// <summary>The retry hint in the close reason (1001, 1013, 4429), in ms.</summary>
    public long? HintMs { get; init; }
}

/// <summary>A message the application handed to the client and the outbox accepted (it now must settle).</summary>
public sealed record SendAcceptedEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string UserId { get; init; }
    public required string MessageId { get; init; }
    public long Seq { get; init; }
    public required string Room { get; init; }

    /// <summary>When the workload intended to send (for latency without coordinated omission).</summary>
    public long IntendedAtMs { get; init; }

    /// <summary>True when composed while the client was offline.</summary>
    public bool Offline { get; init; }
}

/// <summary>The client refused a send up front (outbox full, invalid): not a loss, but counted.</summary>
public sealed record SendRefusedEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string Room { get; init; }
    public required string Reason { get; init; }
}

/// <summary>The client surfaced an ack for a send to the application.</summary>
public sealed record AckedEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string MessageId { get; init; }
    public long Seq { get; init; }
    public required string Room { get; init; }
    public long? RoomSeq { get; init; }
    public bool Dup { get; init; }
}

/// <summary>The client surfaced a final failure (final nack) for a send to the application.</summary>
public sealed record FailedEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string MessageId { get; init; }
    public long Seq { get; init; }
    public required string Code { get; init; }
    public string? Reason { get; init; }
}

/// <summary>A final <c>nack</c> the harness saw arrive on the wire (it must surface as a <see cref="FailedEvent"/>).</summary>
public sealed record WireNackEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string MessageId { get; init; }
    public long Seq { get; init; }
    public required string Code { get; init; }
    public bool Retryable { get; init; }
}

/// <summary>A stored message the client handed to the application (after its own dedup).</summary>
public sealed record DeliveredEvent : HistoryEvent
{
    /// <summary>The reading client.</summary>
    public required string ClientId { get; init; }
    public required string Room { get; init; }
    public long Epoch { get; init; }
    public long RoomSeq { get; init; }
    public required string MessageId { get; init; }
    public required string SenderClientId { get; init; }
    public required string SenderUserId { get; init; }
    public long SenderSeq { get; init; }

    /// <summary>The message's <c>at</c> minus its intended send time is the delivery latency; kept here in ms.</summary>
    public long ServerAtMs { get; init; }

    /// <summary>For an assistant's answer: the room seq of the message it answers (from <c>meta.replyTo</c>).</summary>
    public long? ReplyToSeq { get; init; }
}

/// <summary>The server confirmed membership (<c>joined</c>).</summary>
public sealed record JoinedEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string Room { get; init; }
    public long Epoch { get; init; }
    public long Head { get; init; }
    public long From { get; init; }
    public bool Recovered { get; init; } = true;
    public long? GapFrom { get; init; }
    public long? GapTo { get; init; }
    public bool Reset { get; init; }
}

/// <summary>
/// A hole in the <c>msg</c> stream the server sent one connection for one room: after a <c>joined</c> (from, head)
/// the frames must run from, from+1, … without a gap (replay, then live; PROTOCOL.md §6.5); this one jumped from
/// <see cref="Expected"/> to <see cref="Received"/>. Seen by the harness's connection wrapper, not the client, which
/// may well have repaired the hole with <c>history</c>.
/// </summary>
public sealed record WireGapEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string Room { get; init; }
    public long Epoch { get; init; }

    /// <summary>The seq that should have come next.</summary>
    public long Expected { get; init; }

    /// <summary>The seq that came instead (&gt; <see cref="Expected"/>).</summary>
    public long Received { get; init; }

    /// <summary>The <c>from</c> of the <c>joined</c> that started the stream.</summary>
    public long JoinedFrom { get; init; }

    /// <summary>The <c>head</c> of that <c>joined</c>: seqs up to it are replay, above it live.</summary>
    public long JoinedHead { get; init; }
}

/// <summary>Membership ended by someone else (<c>left</c>).</summary>
public sealed record LeftEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string Room { get; init; }
    public required string Code { get; init; }
}

/// <summary>The workload made a client join (<c>Member = true</c>) or leave a room.</summary>
public sealed record MembershipEvent : HistoryEvent
{
    public required string ClientId { get; init; }
    public required string UserId { get; init; }
    public required string Room { get; init; }
    public bool Member { get; init; }
}

/// <summary>A fault action the injector actually executed.</summary>
public sealed record FaultEvent : HistoryEvent
{
    /// <summary>"applied" or "removed".</summary>
    public required string Action { get; init; }
    public required string FaultId { get; init; }

    /// <summary>A canonical description (type, proxy, direction, attributes), hashed into the run summary.</summary>
    public required string Description { get; init; }
}

/// <summary>
/// Something the harness itself did: server_restart, server_kill, client_crash, client_restart, offline_start,
/// offline_end, room_deleted, member_removed, clock_skew.
/// </summary>
public sealed record HarnessEvent : HistoryEvent
{
    public required string Kind { get; init; }
    public string? ClientId { get; init; }
    public string? UserId { get; init; }
    public string? Room { get; init; }
    public string? Detail { get; init; }
}

/// <summary>Names of <see cref="HarnessEvent.Kind"/>.</summary>
public static class HarnessEventKinds
{
    public const string ServerRestart = "server_restart";
    public const string ServerKill = "server_kill";
    public const string ClientCrash = "client_crash";
    public const string ClientRestart = "client_restart";
    public const string OfflineStart = "offline_start";
    public const string OfflineEnd = "offline_end";
    public const string RoomDeleted = "room_deleted";
    public const string MemberRemoved = "member_removed";
    public const string FaultsHealed = "faults_healed";
}
