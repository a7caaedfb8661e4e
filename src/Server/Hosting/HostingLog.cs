namespace ChatResilience.Server.Hosting;

/// <summary>Source-generated logs of the ASP.NET Core host; event ids 3000–3099.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(3000, LogLevel.Information, "Chat server listening on {BaseUri} (WebSocket {WebSocketUri}), log {Storage}")]
    public static partial void Listening(ILogger logger, Uri baseUri, Uri webSocketUri, string storage);

    [LoggerMessage(3001, LogLevel.Information, "Upgrade refused with {Status}: {Reason}")]
    public static partial void UpgradeRefused(ILogger logger, int status, string reason);

    [LoggerMessage(3002, LogLevel.Warning, "Development token endpoint and signing key are enabled (environment {Environment})")]
    public static partial void DevTokensOn(ILogger logger, string environment);

    [LoggerMessage(3003, LogLevel.Information, "Chat server stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(3004, LogLevel.Warning, "SQLite log {Path} was in the earlier layout (rows in a messages table): converted {Messages} messages in {Milliseconds} ms before serving; builds before the conversion can no longer open it")]
    public static partial void LogConverted(ILogger logger, string path, long messages, long milliseconds);
}
