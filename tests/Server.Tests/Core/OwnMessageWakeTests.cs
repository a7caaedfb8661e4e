using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.Core;

/// <summary>
/// A sender's own <c>msg</c> and its ack, with a log that commits synchronously: in a room with other members the
/// thread that settled the send writes both before the session reads its next frame, instead of leaving them to a
/// thread-pool wake queued behind the room's fan-out (ChatSession.t_settling).
/// </summary>
public sealed class OwnMessageWakeTests
{
    [Fact]
    public async Task InASharedRoom_AckAndOwnMsg_AreWrittenBeforeTheNextFrameIsRead()
    {
        await using var h = new CoreHarness();
        var (other, _) = await h.JoinedAsync("r1", "u2", "c2");
        SendsPerReadConnection? watched = null;
        var (c, _) = await h.JoinedAsync("r1", "u1", "c1", wrapServer: server => watched = new SendsPerReadConnection(server));

        await c.SendAsync(c.Send("r1", "hello", h.NowMs));
        var frames = await c.SettledAsync(count: 1, ownMessages: 1);
        await c.SyncAsync(); // the session has asked for the frame after the send

        Assert.Contains(frames, f => f is AckFrame { Seq: 1 });
        Assert.Equal(["AckFrame", "MsgFrame"], watched!.SentWhileHandling<SendFrame>().Order());
        Assert.Equal("hello", (await other.ExpectAsync<MsgFrame>()).Body);
    }

    /// <summary>Records what the session sends between reading a frame and asking for the next one.</summary>
    private sealed class SendsPerReadConnection(IFrameConnection inner) : IFrameConnection
    {
        private readonly List<string> _events = [];
        private readonly Lock _lock = new();

        public CloseInfo? CloseInfo => inner.CloseInfo;

        /// <summary>The frames sent after the first <typeparamref name="T"/> was read and before the next read began.</summary>
        public List<string> SentWhileHandling<T>()
            where T : Frame
        {
            lock (_lock)
            {
                return _events.SkipWhile(e => e != "read " + typeof(T).Name).Skip(1).TakeWhile(e => e != "next read").ToList();
            }
        }

        public async ValueTask SendAsync(WireMessage message, CancellationToken cancellationToken = default)
        {
            await inner.SendAsync(message, cancellationToken);
            Record(FrameCodec.Decode(message.Payload.Span).GetType().Name);
        }

        public async ValueTask<WireMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            Record("next read");
            var message = await inner.ReceiveAsync(cancellationToken);
            if (message is { } m)
            {
                Record("read " + FrameCodec.Decode(m.Payload.Span).GetType().Name);
            }

            return message;
        }

        public ValueTask CloseAsync(int code, string? reason, CancellationToken cancellationToken = default) => inner.CloseAsync(code, reason, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private void Record(string e)
        {
            lock (_lock)
            {
                _events.Add(e);
            }
        }
    }
}
