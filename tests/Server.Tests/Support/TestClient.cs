using System.Text;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Server.Tests.Support;

/// <summary>A protocol-level test client over an in-memory connection to a running core session.</summary>
internal sealed class TestClient : IAsyncDisposable
{
    // A bound for a frame that should come, not a wait: 5 s was hit once in ~12 local runs of the whole suite (a
    // slow-consumer test) while other classes fsynced SQLite logs beside it on this 2-core machine.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public TestClient(IFrameConnection connection, Task serverRun, string user, string clientId)
    {
        Connection = connection;
        ServerRun = serverRun;
        User = user;
        ClientId = clientId;
    }

    public IFrameConnection Connection { get; }

    public Task ServerRun { get; }

    public string User { get; }

    public string ClientId { get; }

    public long NextSeq { get; set; } = 1;

    public bool SkipPings { get; set; } = true;

    public ValueTask SendAsync(Frame frame) => Connection.SendAsync(WireMessage.Text(FrameCodec.EncodeToArray(frame)));

    public ValueTask SendRawAsync(string json) => Connection.SendAsync(WireMessage.Text(Encoding.UTF8.GetBytes(json)));

    public ValueTask SendBytesAsync(byte[] bytes, bool binary) => Connection.SendAsync(new WireMessage(bytes, binary));

    /// <summary>The next frame (pings skipped unless told), or null once closed.</summary>
    public async Task<Frame?> ReceiveAsync()
    {
        while (true)
        {
            var message = await Connection.ReceiveAsync().AsTask().WaitAsync(Timeout);
            if (message is null)
            {
                return null;
            }

            var frame = FrameCodec.Decode(message.Value.Payload.Span);
            if (SkipPings && frame is PingFrame)
            {
                continue;
            }

            return frame;
        }
    }

    public async Task<T> ExpectAsync<T>()
        where T : Frame
    {
        var frame = await ReceiveAsync();
        return frame as T ?? throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name}, got {(frame is null ? "close " + Connection.CloseInfo : FrameCodec.Decode(FrameCodec.EncodeToArray(frame)).GetType().Name + " " + Encoding.UTF8.GetString(FrameCodec.EncodeToArray(frame)))}");
    }

    /// <summary>Reads until the connection closes; returns the close and the frames seen before it.</summary>
    public async Task<(CloseInfo Close, List<Frame> Frames)> ExpectClosedAsync()
    {
        var frames = new List<Frame>();
        while (await ReceiveAsync() is { } f)
        {
            frames.Add(f);
        }

        return (Connection.CloseInfo!, frames);
    }

    /// <summary>A barrier: ping and read up to the pong; returns the frames before it.</summary>
    public async Task<List<Frame>> SyncAsync()
    {
        var ts = Random.Shared.NextInt64(1, 1_000_000_000);
        await SendAsync(new PingFrame { Ts = ts });
        var frames = new List<Frame>();
        while (true)
        {
            var f = await ReceiveAsync() ?? throw new Xunit.Sdk.XunitException("closed before pong: " + Connection.CloseInfo);
            if (f is PongFrame p && p.Ts == ts)
            {
                return frames;
            }

            frames.Add(f);
        }
    }

    /// <summary>Reads until <paramref name="count"/> settlements (ack or nack) arrived; returns every frame read.</summary>
    /// <summary>
    /// Reads until <paramref name="count"/> settlements and <paramref name="ownMessages"/> copies of this client's
    /// own sends have arrived. The protocol does not order an ack against the sender's own <c>msg</c> (acks are
    /// control frames and bypass the message queue), so a subscribed sender must wait for both.
    /// </summary>
    public async Task<List<Frame>> SettledAsync(int count, int ownMessages = 0)
    {
        var frames = new List<Frame>();
        var settled = 0;
        var own = 0;
        while (settled < count || own < ownMessages)
        {
            var f = await ReceiveAsync() ?? throw new Xunit.Sdk.XunitException($"closed after {settled}/{count} settlements, {own}/{ownMessages} own messages: " + Connection.CloseInfo);
            frames.Add(f);
            if (f is AckFrame or NackFrame)
            {
                settled++;
            }
            else if (f is MsgFrame m && m.ClientId == ClientId)
            {
                own++;
            }
        }

        return frames;
    }

    public SendFrame Send(string room, string body, long sentAt, long? seq = null, string? id = null) => new()
    {
        Id = id ?? $"{ClientId}-{seq ?? NextSeq}",
        Seq = seq ?? NextSeq++,
        Room = room,
        Body = body,
        SentAt = sentAt,
    };

    public async ValueTask DisposeAsync()
    {
        await Connection.CloseAsync(1000, null);
        await ServerRun.WaitAsync(Timeout);
    }
}
