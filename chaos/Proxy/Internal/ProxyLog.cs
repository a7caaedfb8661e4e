
namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>Embedded proxy logs; event ids 5000–5099 (data path) and 5100–5199 (API).</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Proxy {ProxyName} listening on {Listen}, upstream {Upstream}")]
    public static partial void ProxyStarted(ILogger logger, string proxyName, string listen, string upstream);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Proxy {ProxyName} stopped")]
    public static partial void ProxyStopped(ILogger logger, string proxyName);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Proxy {ProxyName} connection {Ordinal} opened")]
    public static partial void ConnectionOpened(ILogger logger, string proxyName, long ordinal);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "Proxy {ProxyName} connection {Ordinal} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string proxyName, long ordinal, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Proxy {ProxyName} could not reach upstream {Upstream}: {Error}")]
    public static partial void UpstreamUnreachable(ILogger logger, string proxyName, string upstream, string error);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Proxy {ProxyName} connection task failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, string proxyName);

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Embedded Toxiproxy API on {ApiUri}, seed {Seed}")]
    public static partial void ApiStarted(ILogger logger, Uri apiUri, int seed);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "API {Method} {Path} -> {Status}: {Error}")]
    public static partial void ApiError(ILogger logger, string method, string path, int status, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "API {Method} {Path} failed unexpectedly")]
    public static partial void ApiCrash(ILogger logger, Exception exception, string method, string path);
}
