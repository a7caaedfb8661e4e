using System.Globalization;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using ChatResilience.Server.Core;
using Microsoft.AspNetCore.Http.Features;

namespace ChatResilience.Server.Hosting;

/// <summary>
/// <c>/ws</c>: refuses what must be refused before the upgrade (no WebSocket or subprotocol → 400, over
/// capacity → 503 + Retry-After, a bad header token → 401), then hands the socket to the core. The token
/// is read from the Authorization header only — never the query string — or later from <c>hello.token</c>.
/// </summary>
internal static class WebSocketEndpoint
{
    public static async Task HandleAsync(HttpContext context, ChatServerCore core, JwtTokenService tokens, ILogger logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, logger, StatusCodes.Status400BadRequest, "WebSocket upgrade required");
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(ProtocolConstants.SubProtocol, StringComparer.Ordinal))
        {
            await RefuseAsync(context, logger, StatusCodes.Status400BadRequest, $"subprotocol {ProtocolConstants.SubProtocol} required");
            return;
        }

        if (!core.HasCapacity)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(core.Options.ShutdownRetryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(context, logger, StatusCodes.Status503ServiceUnavailable, "over capacity");
            return;
        }

        AuthIdentity? identity = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            const string prefix = "Bearer ";
            var result = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                ? await tokens.ValidateAsync(header[prefix.Length..].Trim(), context.RequestAborted)
                : TokenValidation.Invalid("Authorization must be a Bearer token");
            if (!result.IsValid)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await RefuseAsync(context, logger, StatusCodes.Status401Unauthorized, result.Error ?? "invalid token");
                return;
            }

            identity = result.Identity;
        }

        // Upgraded connections are long-lived: no request timeout or body limit applies to them.
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize = null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = ProtocolConstants.SubProtocol,
            KeepAliveInterval = TimeSpan.Zero,
        });
        var connection = new WebSocketFrameConnection(socket, core.Options.MaxFrameBytes);
        await core.RunConnectionAsync(connection, identity, context.RequestAborted);
    }

    private static async Task RefuseAsync(HttpContext context, ILogger logger, int status, string reason)
    {
        HostingLog.UpgradeRefused(logger, status, reason);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(reason, context.RequestAborted);
    }
}
