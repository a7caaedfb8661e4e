using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Frames;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatResilience.Bench.ServerLoad;

/// <summary>
/// The baselines: a minimal Kestrel WebSocket app that echoes each message (<c>/echo</c>); the same that first
/// writes a fixed msg-sized frame, so it writes two frames per send as the chat server does (<c>/echo2</c>, for
/// context only: the targets are against the plain echo); and a raw fan-out
/// (<c>/fan</c> members, <c>/fan-send</c> sender) that writes each received message's bytes to every member
/// through a per-socket writer, as the chat server does.
/// </summary>
internal sealed class RawKestrelApps : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Channel<byte[]>> _members = [];
    private readonly Lock _lock = new();

    /// <summary>A msg frame of the size the chat server sends back to a sender of a ~200-byte send.</summary>
    private static readonly byte[] MsgSizedFrame = FrameCodec.EncodeToArray(new MsgFrame
    {
        Room = "load-1-0", Epoch = 1, Seq = 1, Id = "m0-1", From = "u1-0", ClientId = "c1-0", ClientSeq = 1,
        Body = SendAckLoad.Body, SentAt = 1_800_000_000_000, Basis = 0, At = 1_800_000_000_000,
    });

    private RawKestrelApps(WebApplication app) => _app = app;

    public Uri EchoUri { get; private set; } = null!;

    public Uri Echo2Uri { get; private set; } = null!;

    public Uri FanUri { get; private set; } = null!;

    public Uri FanSendUri { get; private set; } = null!;

    public int Members
    {
        get
        {
            lock (_lock)
            {
                return _members.Count;
            }
        }
    }

    public static async Task<RawKestrelApps> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentUpgradedConnections = 10_000;
        });
        var app = builder.Build();
        var apps = new RawKestrelApps(app);
        app.UseWebSockets();
        app.Map("/echo", apps.EchoAsync);
        app.Map("/echo2", apps.Echo2Async);
        app.Map("/fan", apps.FanMemberAsync);
        app.Map("/fan-send", apps.FanSendAsync);
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        apps.EchoUri = new Uri($"ws://127.0.0.1:{port}/echo");
        apps.Echo2Uri = new Uri($"ws://127.0.0.1:{port}/echo2");
        apps.FanUri = new Uri($"ws://127.0.0.1:{port}/fan");
        apps.FanSendUri = new Uri($"ws://127.0.0.1:{port}/fan-send");
        return apps;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<WebSocket> AcceptAsync(HttpContext context) =>
        await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = ProtocolConstants.SubProtocol, KeepAliveInterval = TimeSpan.Zero });

    private async Task EchoAsync(HttpContext context)
    {
        using var ws = await AcceptAsync(context);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            await ws.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
        }
    }

    private async Task Echo2Async(HttpContext context)
    {
        using var ws = await AcceptAsync(context);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            // The chat server's sender gets its own msg and then the ack: two writes per send.
            await ws.SendAsync(MsgSizedFrame, WebSocketMessageType.Text, true, CancellationToken.None);
            await ws.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
        }
    }

    private async Task FanMemberAsync(HttpContext context)
    {
        using var ws = await AcceptAsync(context);
        var channel = Channel.CreateBounded<byte[]>(4096);
        lock (_lock)
        {
            _members.Add(channel);
        }

        var reader = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            while ((await ws.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }

            channel.Writer.TryComplete();
        });
        try
        {
            await foreach (var bytes in channel.Reader.ReadAllAsync())
            {
                await ws.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
            }

            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // Member gone.
        }

        lock (_lock)
        {
            _members.Remove(channel);
        }

        await reader;
    }

    private async Task FanSendAsync(HttpContext context)
    {
        using var ws = await AcceptAsync(context);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            var bytes = buffer.AsSpan(0, r.Count).ToArray();
            List<Channel<byte[]>> members;
            lock (_lock)
            {
                members = [.. _members];
            }

            foreach (var m in members)
            {
                m.Writer.TryWrite(bytes);
            }
        }
    }
}
