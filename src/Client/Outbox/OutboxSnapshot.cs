namespace ChatResilience.Client.Outbox;

/// <summary>What a store holds at startup: unsettled entries in seq order, room cursors, and the next seq.</summary>
public sealed record OutboxSnapshot(IReadOnlyList<OutboxEntry> Entries, IReadOnlyList<RoomCursorState> Cursors, long NextSeq);
