
namespace ChatResilience.Server.Core;

/// <summary>Source-generated logs of the core; event ids 1000–1099.</summary>
internal static partial class CoreLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Session {SessionId} opened for {UserId}/{ClientId}")]
    public static partial void SessionOpened(ILogger logger, string sessionId, string userId, string clientId);

    [LoggerMessage(1001, LogLevel.Debug, "Session {SessionId} closed with {Code}: {Reason}")]
    public static partial void SessionClosed(ILogger logger, string sessionId, int code, string? reason);

    [LoggerMessage(1002, LogLevel.Information, "Session {SessionId} of {UserId}/{ClientId} superseded by {NewSessionId}")]
    public static partial void Superseded(ILogger logger, string sessionId, string userId, string clientId, string newSessionId);

    [LoggerMessage(1003, LogLevel.Warning, "Session {SessionId} is a slow consumer ({Queued} msgs queued): closing 4409")]
    public static partial void SlowConsumer(ILogger logger, string sessionId, int queued);

    [LoggerMessage(1004, LogLevel.Information, "Session {SessionId}: heartbeat timeout after {SilenceMs} ms")]
    public static partial void HeartbeatTimeout(ILogger logger, string sessionId, long silenceMs);

    [LoggerMessage(1005, LogLevel.Debug, "Session {SessionId}: bad frame {Code}: {Message}")]
    public static partial void BadFrame(ILogger logger, string sessionId, string code, string message);

    [LoggerMessage(1006, LogLevel.Error, "Append to {Room} failed for {ClientId} seq {Seq}")]
    public static partial void AppendFailed(ILogger logger, Exception error, string room, string clientId, long seq);

    [LoggerMessage(1007, LogLevel.Error, "Session {SessionId} failed")]
    public static partial void SessionFailed(ILogger logger, Exception error, string sessionId);

    [LoggerMessage(1008, LogLevel.Debug, "Session {SessionId} joined {Room} epoch {Epoch}: from {From} head {Head} reset {Reset}")]
    public static partial void Joined(ILogger logger, string sessionId, string room, long epoch, long from, long head, bool reset);

    [LoggerMessage(1009, LogLevel.Warning, "Replay of {Room} for session {SessionId} found a hole after {Cursor}")]
    public static partial void ReplayHole(ILogger logger, string room, string sessionId, long cursor);

    [LoggerMessage(1010, LogLevel.Information, "Room {Room} deleted by admin")]
    public static partial void RoomDeleted(ILogger logger, string room);

    [LoggerMessage(1011, LogLevel.Information, "User {UserId} removed from {Room} by admin")]
    public static partial void MemberRemoved(ILogger logger, string room, string userId);

    [LoggerMessage(1012, LogLevel.Warning, "Background task {Name} failed")]
    public static partial void BackgroundFailed(ILogger logger, Exception error, string name);

    [LoggerMessage(1013, LogLevel.Information, "Retention trimmed {Room} to first seq {FirstSeq}")]
    public static partial void Trimmed(ILogger logger, string room, long firstSeq);

    [LoggerMessage(1014, LogLevel.Information, "Shutting down: closing {Count} sessions with 1001")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(1015, LogLevel.Warning, "Test-only bug switches are ON: {Bugs}")]
    public static partial void BugsOn(ILogger logger, string bugs);

    [LoggerMessage(1016, LogLevel.Error, "SQLite log: indexing the journal failed (its rows stay readable; retried once another index batch of appends has gathered)")]
    public static partial void JournalIndexFailed(ILogger logger, Exception error);

    [LoggerMessage(1017, LogLevel.Error, "SQLite log: deleting dead journal rows failed (no read sees them; retried once another chunk of rows has died)")]
    public static partial void DeadRowsDeleteFailed(ILogger logger, Exception error);
}
