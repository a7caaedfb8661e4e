namespace ChatResilience.Server.Storage;

/// <summary>
/// A settlement outcome as a client's outcome store records and returns it: an ack is its message's id, room and
/// place; only a nack has a record (<see cref="Nack"/>). The store keeps it without an object of its own
/// (<see cref="OutcomeChunk"/>: the fields inline, an ack's id as UTF-8 bytes).
/// </summary>
internal readonly record struct OutcomeEntry(string Id, string Room, long RoomSeq, long At, SettlementOutcome? Nack);
