using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;

namespace ChatResilience.Client.Transport;

/// <summary>
/// The default factory: a <see cref="ClientWebSocket"/> offering <c>chatresilience.v1</c>, with the token in
/// the <c>Authorization: Bearer</c> header and HTTP response details collected, so 401 and 503 (with
/// <c>Retry-After</c>) become <see cref="ConnectRejectedException"/>.
/// </summary>
public sealed class WebSocketConnectionFactory : IFrameConnectionFactory
{
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

            await socket.ConnectAsync(uri, cancellationToken);
            if (socket.SubProtocol != ProtocolConstants.SubProtocol)
            {
                throw new WebSocketException(WebSocketError.UnsupportedProtocol, "the server did not accept subprotocol " + ProtocolConstants.SubProtocol);
            }

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
        if (headers is null)
        {
            return null;
        }

        foreach (var (name, values) in headers)
        {
            if (!name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = values.FirstOrDefault()?.Trim();
            if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, 86_400));
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - _timeProvider.GetUtcNow();
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }
}
