using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using ChatResilience.Client.Transport;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;

namespace ChatResilience.Client.Tests.Transport;

/// <summary>The real WebSocket factory against a minimal hand-written HTTP/WebSocket server on 127.0.0.1:0.</summary>
public sealed class WebSocketConnectionFactoryTests
{
    [Fact]
    public async Task Connect_Http401_IsRejectedWith401()
    {
        await using var server = await LoopbackServer.StartAsync("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        var e = await Assert.ThrowsAsync<ConnectRejectedException>(() => new WebSocketConnectionFactory().ConnectAsync(server.Uri, "tok", Timeout()));
        Assert.Equal(401, e.StatusCode);
        Assert.Null(e.RetryAfter);
    }

    [Fact]
    public async Task Connect_Http503_IsRejectedWithRetryAfter()
    {
        await using var server = await LoopbackServer.StartAsync("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        var e = await Assert.ThrowsAsync<ConnectRejectedException>(() => new WebSocketConnectionFactory().ConnectAsync(server.Uri, "tok", Timeout()));
        Assert.Equal(503, e.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
    }

    [Fact]
    public async Task Connect_Upgrade_SendsBearerAndSubprotocol_AndFramesFlow()
    {
        await using var server = await LoopbackServer.StartAsync(null);
        await using var connection = await new WebSocketConnectionFactory().ConnectAsync(server.Uri, "secret-token", Timeout());
        var request = await server.Request.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("Authorization: Bearer secret-token", request, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Sec-WebSocket-Protocol: " + ProtocolConstants.SubProtocol, request, StringComparison.OrdinalIgnoreCase);
        await connection.SendAsync(WireMessage.Text("{\"t\":\"ping\",\"ts\":1}"u8.ToArray()), Timeout());
        var echoed = await connection.ReceiveAsync(Timeout());
        Assert.Equal("{\"t\":\"ping\",\"ts\":1}", Encoding.UTF8.GetString(echoed!.Value.Payload.Span));
    }

    [Theory]
    [InlineData("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCBhY2NlcHQ=\r\nSec-WebSocket-Protocol: chatresilience.v1\r\n\r\n")]
    [InlineData("garbage\r\n\r\n")]
    public async Task Connect_NotAValidUpgrade_IsALostConnection_NotARejection(string response)
    {
        await using var server = await LoopbackServer.StartAsync(response);

        await Assert.ThrowsAsync<WebSocketException>(() => new WebSocketConnectionFactory().ConnectAsync(server.Uri, "tok", Timeout()));
    }

    [Fact]
    public async Task Connect_FrameRightBehindThe101_IsReceivedIntact()
    {
        // The server may write its first frame (welcome) in the same segment as the 101: the upgrade must not
        // read past the headers.
        await using var server = await LoopbackServer.StartAsync(null, greeting: "{\"t\":\"welcome\"}");
        await using var connection = await new WebSocketConnectionFactory().ConnectAsync(server.Uri, "tok", Timeout());

        var greeting = await connection.ReceiveAsync(Timeout());

        Assert.Equal("{\"t\":\"welcome\"}", Encoding.UTF8.GetString(greeting!.Value.Payload.Span));
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token;

    /// <summary>Answers one connection with a canned HTTP response, or completes a WebSocket upgrade and echoes one message.</summary>
    private sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serve;

        private LoopbackServer(TcpListener listener, string? response, string? greeting)
        {
            _listener = listener;
            _serve = ServeAsync(response, greeting);
        }

        public TaskCompletionSource<string> Request { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri Uri => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/ws");

        /// <param name="response">A canned answer instead of the upgrade, or null to upgrade.</param>
        /// <param name="greeting">A text message written in the same write as the 101, before anything is read.</param>
        public static Task<LoopbackServer> StartAsync(string? response, string? greeting = null)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new LoopbackServer(listener, response, greeting));
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _serve.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or WebSocketException or OperationCanceledException)
            {
            }
        }

        private async Task ServeAsync(string? response, string? greeting)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = await ReadHeadersAsync(stream);
            Request.TrySetResult(request);
            if (response is not null)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
                return;
            }

            var key = request.Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            byte[] headers = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: {ProtocolConstants.SubProtocol}\r\n\r\n");
            var frame = greeting is null ? [] : Encoding.UTF8.GetBytes(greeting);
            byte[] greetingFrame = greeting is null ? [] : [0x81, (byte)frame.Length, .. frame]; // FIN + text, unmasked, < 126 bytes
            await stream.WriteAsync((byte[])[.. headers, .. greetingFrame]);
            using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, SubProtocol = ProtocolConstants.SubProtocol });
            var buffer = new byte[1024];
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            await socket.SendAsync(buffer.AsMemory(0, result.Count), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.ReceiveAsync(buffer, CancellationToken.None);
        }

        private static async Task<string> ReadHeadersAsync(NetworkStream stream)
        {
            var bytes = new List<byte>();
            var one = new byte[1];
            while (!(bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
            {
                if (await stream.ReadAsync(one) == 0)
                {
                    break;
                }

                bytes.Add(one[0]);
            }

            return Encoding.ASCII.GetString([.. bytes]);
        }
    }
}
