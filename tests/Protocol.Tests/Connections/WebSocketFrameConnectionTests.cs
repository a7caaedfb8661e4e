using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using ChatResilience.Protocol.Connections;

namespace ChatResilience.Protocol.Tests.Connections;

/// <summary>The contract over a real loopback TCP connection carrying RFC 6455 framing.</summary>
public sealed class WebSocketFrameConnectionTests : FrameConnectionContract
{
    protected override async Task<(IFrameConnection A, IFrameConnection B)> CreatePairAsync(int maxFrameBytes)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(Bound);
        var accepting = listener.AcceptSocketAsync(cts.Token).AsTask();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint, cts.Token);
        var server = await accepting;
        server.NoDelay = true;

        var clientSocket = WebSocket.CreateFromStream(new NetworkStream(client, ownsSocket: true), Options(isServer: false));
        var serverSocket = WebSocket.CreateFromStream(new NetworkStream(server, ownsSocket: true), Options(isServer: true));
        return (new WebSocketFrameConnection(clientSocket, maxFrameBytes), new WebSocketFrameConnection(serverSocket, maxFrameBytes));
    }

    private static WebSocketCreationOptions Options(bool isServer) =>
        new() { IsServer = isServer, KeepAliveInterval = TimeSpan.Zero, SubProtocol = ProtocolConstants.SubProtocol };
}
