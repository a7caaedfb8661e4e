using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using ChatResilience.Protocol;

namespace ChatResilience.Client.Transport;

/// <summary>
/// The RFC 6455 opening handshake for <c>ws://</c> on a plain socket, then
/// <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/> on it. ClientWebSocket does the
/// same through an HttpClient connection that it keeps for the socket's lifetime, with a 4 KiB read and a
/// 4 KiB write buffer, its options and header tables: measured at about 10 KiB of every idle client's
/// 33 KiB (bench/results/client.md). No proxy support: <c>wss://</c> still goes through ClientWebSocket.
/// </summary>
internal static class WebSocketUpgrade
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const int MaxResponseHeaderBytes = 16 * 1024;

    /// <summary>The result of the handshake: a socket, or the refusal's status code and <c>Retry-After</c>.</summary>
    public readonly record struct Outcome(WebSocket? Socket, int StatusCode, string? RetryAfter);

    public static async Task<Outcome> ConnectAsync(Uri uri, string? bearerToken, CancellationToken cancellationToken)
    {
        if (bearerToken is not null && bearerToken.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("the bearer token contains a line break", nameof(bearerToken));
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(uri.IdnHost, uri.Port, cancellationToken);
            stream = new NetworkStream(socket, ownsSocket: true);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await stream.WriteAsync(Request(uri, key, bearerToken), cancellationToken);
            var (status, headers) = await ReadResponseAsync(stream, cancellationToken);
            if (status != 101)
            {
                stream.Dispose();
                return new Outcome(null, status, headers.GetValueOrDefault("retry-after"));
            }

            if (!string.Equals(headers.GetValueOrDefault("upgrade"), "websocket", StringComparison.OrdinalIgnoreCase)
                || headers.GetValueOrDefault("sec-websocket-accept") != ExpectedAccept(key))
            {
                throw new WebSocketException(WebSocketError.HeaderError, "the server's upgrade response is not a valid WebSocket handshake");
            }

            if (headers.GetValueOrDefault("sec-websocket-protocol") != ProtocolConstants.SubProtocol)
            {
                throw new WebSocketException(WebSocketError.UnsupportedProtocol, "the server did not accept subprotocol " + ProtocolConstants.SubProtocol);
            }

            var webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
            {
                IsServer = false,
                SubProtocol = ProtocolConstants.SubProtocol,

                // The protocol has its own heartbeat; WebSocket pings would only cost a timer per client.
                KeepAliveInterval = TimeSpan.Zero,
            });
            return new Outcome(webSocket, 101, null);
        }
        catch
        {
            if (stream is null)
            {
                socket.Dispose();
            }
            else
            {
                await stream.DisposeAsync();
            }

            throw;
        }
    }

    private static byte[] Request(Uri uri, string key, string? bearerToken)
    {
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"GET {uri.PathAndQuery} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {uri.Authority}\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
            .Append(CultureInfo.InvariantCulture, $"Sec-WebSocket-Key: {key}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Sec-WebSocket-Protocol: {ProtocolConstants.SubProtocol}\r\n");
        if (bearerToken is not null)
        {
            request.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {bearerToken}\r\n");
        }

        return Encoding.ASCII.GetBytes(request.Append("\r\n").ToString());
    }

    private static string ExpectedAccept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    /// <summary>
    /// Reads the status line and headers one byte at a time: the server may send its first WebSocket frame
    /// right behind them, and those bytes must stay in the stream for the WebSocket.
    /// </summary>
    private static async Task<(int Status, Dictionary<string, string> Headers)> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>(256);
        var one = new byte[1];
        while (bytes.Count < 4 || bytes[^1] != '\n' || bytes[^2] != '\r' || bytes[^3] != '\n' || bytes[^4] != '\r')
        {
            if (bytes.Count >= MaxResponseHeaderBytes)
            {
                throw new WebSocketException(WebSocketError.HeaderError, "the server's upgrade response headers are too long");
            }

            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the server closed the connection during the upgrade");
            }

            bytes.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. bytes]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new WebSocketException(WebSocketError.HeaderError, "the server's upgrade response has no HTTP status line");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (status, headers);
    }
}
