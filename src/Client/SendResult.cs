namespace ChatResilience.Client;

/// <summary>
/// An acked send. <see cref="RoomSeq"/> is the message's place in its room; it is null only for a
/// duplicate ack (<see cref="Duplicate"/>) of a message already past the server's retention, whose
/// original place the server no longer knows (PROTOCOL.md §5 <c>ack</c>).
/// </summary>
public sealed record SendResult(string Id, long Seq, string Room, long? RoomSeq, bool Duplicate);
