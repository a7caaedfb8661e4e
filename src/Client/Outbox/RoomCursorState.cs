namespace ChatResilience.Client.Outbox;

/// <summary>
/// A room the client is a member of: its epoch (0 = not yet joined) and the highest contiguous seq held,
/// persisted with the outbox so a restart resumes exactly where the application left off.
/// </summary>
public sealed record RoomCursorState(string Room, long Epoch, long After);
