using Microsoft.Extensions.Logging;

namespace ChatResilience.Client.Diagnostics;

/// <summary>The client's log contract: event ids 2000-2999, never reused (STYLE.md habit 7).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "Client {ClientId} state {From} -> {To}")]
    public static partial void StateChanged(ILogger logger, string clientId, ConnectionState from, ConnectionState to);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Client {ClientId} refused transition {From} -> {To} (current {Current})")]
    public static partial void TransitionRefused(ILogger logger, string clientId, ConnectionState from, ConnectionState to, ConnectionState current);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Client {ClientId} connected: session {SessionId}, heartbeat {HeartbeatMs} ms, offset {OffsetMs} ms")]
    public static partial void Connected(ILogger logger, string clientId, string sessionId, long heartbeatMs, long offsetMs);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Client {ClientId} connection ended with {CloseCode}: {Action} ({Reason})")]
    public static partial void ConnectionEnded(ILogger logger, string clientId, int closeCode, Session.CloseAction action, string reason);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Client {ClientId} reconnect attempt {Attempt} in {DelayMs} ms")]
    public static partial void ReconnectScheduled(ILogger logger, string clientId, int attempt, double delayMs);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Client {ClientId} connection attempt failed")]
    public static partial void ConnectFailed(ILogger logger, string clientId, Exception error);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Client {ClientId} closed for good: {Reason}")]
    public static partial void Terminal(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Client {ClientId} dead connection detected: {Reason}")]
    public static partial void DeadConnection(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "Client {ClientId} received an undecodable frame")]
    public static partial void BadFrame(ILogger logger, string clientId, Exception error);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Warning, Message = "Client {ClientId} got error {Code} for {Ref}: {Message}")]
    public static partial void ServerError(ILogger logger, string clientId, string code, string? @ref, string message);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Debug, Message = "Client {ClientId} retryable nack {Code} for seq {Seq}; resending from {From}")]
    public static partial void RetryableNack(ILogger logger, string clientId, string code, long seq, long from);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Information, Message = "Client {ClientId} send {Seq} failed finally: {Code}")]
    public static partial void SendFailed(ILogger logger, string clientId, long seq, string code);

    [LoggerMessage(EventId = 2032, Level = LogLevel.Information, Message = "Client {ClientId} gave up send {Seq} after its time-to-live")]
    public static partial void SendExpired(ILogger logger, string clientId, long seq);

    [LoggerMessage(EventId = 2040, Level = LogLevel.Information, Message = "Client {ClientId} room {Room}: gap {From}..{To} past retention")]
    public static partial void Gap(ILogger logger, string clientId, string room, long from, long to);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Information, Message = "Client {ClientId} room {Room} reset to epoch {Epoch}")]
    public static partial void Reset(ILogger logger, string clientId, string room, long epoch);

    [LoggerMessage(EventId = 2050, Level = LogLevel.Error, Message = "Client {ClientId} application handler for {Event} threw")]
    public static partial void HandlerFailed(ILogger logger, string clientId, string @event, Exception error);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Error, Message = "Client {ClientId} background operation {Operation} failed")]
    public static partial void BackgroundFailed(ILogger logger, string clientId, string operation, Exception error);

    [LoggerMessage(EventId = 2060, Level = LogLevel.Debug, Message = "Client {ClientId} token refreshed; expires at {ExpMs}")]
    public static partial void TokenRefreshed(ILogger logger, string clientId, long expMs);
}
