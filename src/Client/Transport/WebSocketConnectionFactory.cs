using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;

namespace ChatResilience.Client.Transport;

/// <summary>
/// The default factory: a WebSocket offering <c>chatresilience.v1</c>, with the token in the
/// <c>Authorization: Bearer</c> header, where 401 and 503 (with <c>Retry-After</c>) become
/// <see cref="ConnectRejectedException"/>. <c>ws://</c> upgrades a plain socket itself (about 10 KiB less per
/// idle connection, no proxy support); <c>wss://</c> uses <see cref="ClientWebSocket"/> (TLS, system proxy).
/// </summary>
public sealed class WebSocketConnectionFactory : IFrameConnectionFactory
{
    // One handler for every connection of the process: without an invoker each ClientWebSocket.ConnectAsync
    // builds (and keeps, for the socket's lifetime) its own SocketsHttpHandler and connection pool. Upgraded
    // connections never return to the pool, so sharing the handler shares nothing but its settings.
    private static readonly HttpMessageInvoker SharedInvoker = new(
        new SocketsHttpHandler { UseCookies = false },
        disposeHandler: false);

    private readonly TimeProvider _timeProvider;
    private readonly int _maxFrameBytes;

    /// <param name="timeProvider">Reads HTTP-date <c>Retry-After</c> values. Default <see cref="TimeProvider.System"/>.</param>
    /// <param name="maxFrameBytes">Largest message accepted. Default 1 MiB.</param>
    public WebSocketConnectionFactory(TimeProvider? timeProvider = null, int maxFrameBytes = FrameLimits.DefaultMaxFrameBytes)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _maxFrameBytes = maxFrameBytes;
    }

    /// <inheritdoc />
    public async Task<IFrameConnection> ConnectAsync(Uri uri, string? bearerToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme == Uri.UriSchemeWs)
        {
            var outcome = await WebSocketUpgrade.ConnectAsync(uri, bearerToken, cancellationToken);
            return outcome switch
            {
                { Socket: { } upgraded } => new WebSocketFrameConnection(upgraded, _maxFrameBytes),
                { StatusCode: 401 or 503 } => throw new ConnectRejectedException(outcome.StatusCode, ParseRetryAfter(outcome.RetryAfter)),
                _ => throw new WebSocketException(WebSocketError.NotAWebSocket, $"the server answered the upgrade with HTTP {outcome.StatusCode}"),
            };
        }

        var socket = new ClientWebSocket();
        try
        {
            socket.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
            socket.Options.CollectHttpResponseDetails = true;

            // The protocol has its own heartbeat; WebSocket pings would only cost a timer per client.
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            socket.Options.SetBuffer(4096, 4096);
            if (bearerToken is not null)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + bearerToken);
            }

            await socket.ConnectAsync(uri, SharedInvoker, cancellationToken);
            if (socket.SubProtocol != ProtocolConstants.SubProtocol)
            {
                throw new WebSocketException(WebSocketError.UnsupportedProtocol, "the server did not accept subprotocol " + ProtocolConstants.SubProtocol);
            }

            // The response headers were collected for a refusal's Retry-After; a live socket would keep them.
            socket.HttpResponseHeaders = null;

            return new WebSocketFrameConnection(socket, _maxFrameBytes);
        }
        catch (WebSocketException e) when (socket.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable)
        {
            var retryAfter = ReadRetryAfter(socket.HttpResponseHeaders);
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw new ConnectRejectedException(status, retryAfter, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private TimeSpan? ReadRetryAfter(IReadOnlyDictionary<string, IEnumerable<string>>? headers)
    {
        foreach (var (name, values) in headers ?? new Dictionary<string, IEnumerable<string>>())
        {
            if (name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase))
            {
                return ParseRetryAfter(values.FirstOrDefault());
            }
        }

        return null;
    }

    private TimeSpan? ParseRetryAfter(string? header)
    {
        var value = header?.Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, 86_400));
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - _timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
