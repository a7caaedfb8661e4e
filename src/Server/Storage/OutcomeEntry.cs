namespace ChatResilience.Server.Storage;

/// <summary>
/// An outcome without an object of its own: an ack is its message's id, room and place (strings shared with
/// the stored message), held inline in the client's chunk; only a nack keeps its record. (A record and a map
/// node per ack were a third of what the log retained per message, and every gen-0 GC promoted them.)
/// 40 bytes: a chunk's 1,024 of them stay below the large-object heap.
/// </summary>
internal readonly record struct OutcomeEntry(string Id, string Room, long RoomSeq, long At, SettlementOutcome? Nack);
