namespace ChatResilience.Server.Storage;

/// <summary>
/// A room's log position. <see cref="FirstSeq"/> is the lowest retained seq (<see cref="Head"/> + 1 when
/// nothing is retained); a deleted room keeps its epoch as a tombstone so a recreation starts the next one.
/// </summary>
public sealed record RoomInfo(string Room, long Epoch, long Head, long FirstSeq, bool Deleted);
