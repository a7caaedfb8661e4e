using ChatResilience.Protocol.Connections;
using ChatResilience.Server.Core;

namespace ChatResilience.Server.Tests.Core;

public class OutboundQueueTests
{
    private static WireMessage Frame(string text) => WireMessage.Text(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Text(WireMessage? m) => m is { } x ? System.Text.Encoding.UTF8.GetString(x.Payload.Span) : "<end>";

    [Fact]
    public async Task ControlFramesLeaveFirst_MessagesInOrder_CompleteDrainsThenEnds()
    {
        var q = new OutboundQueue(maxMessages: 10, maxBytes: 1000, maxControl: 10);
        Assert.True(q.TryEnqueueLive(Frame("m1")));
        q.EnqueueForced(Frame("m2"));
        Assert.True(q.TryEnqueueControl(Frame("ack")));
        q.Complete();
        Assert.False(q.TryEnqueueControl(Frame("late")));
        var order = new List<string>();
        while (await q.DequeueAsync() is { } m)
        {
            order.Add(Text(m));
        }

        Assert.Equal(["ack", "m1", "m2"], order);
    }

    [Fact]
    public void LiveFrames_RefusedPastCountOrBytes_ForcedOnesAreNot()
    {
        var q = new OutboundQueue(maxMessages: 2, maxBytes: 5, maxControl: 1);
        Assert.True(q.TryEnqueueLive(Frame("aa")));
        Assert.True(q.TryEnqueueLive(Frame("bb")));
        Assert.False(q.TryEnqueueLive(Frame("c"))); // count
        q.EnqueueForced(Frame("forced"));
        Assert.Equal(3, q.MessageCount);
        Assert.True(q.TryEnqueueControl(Frame("p")));
        Assert.False(q.TryEnqueueControl(Frame("q"))); // control bound

        var bytes = new OutboundQueue(maxMessages: 10, maxBytes: 5, maxControl: 1);
        Assert.True(bytes.TryEnqueueLive(Frame("abcd")));
        Assert.False(bytes.TryEnqueueLive(Frame("ef"))); // 6 bytes > 5
    }

    [Fact]
    public async Task ControlFrame_WakesAParkedWriterInline_OnTheEnqueuingThread()
    {
        var q = new OutboundQueue(10, 1000, 10);
        var writer = await ParkedWriterAsync(q);

        // No thread-pool hand-off: by the time the enqueue returns, the writer has already taken the frame.
        var (enqueued, enqueuer) = OnOwnThread(() => q.TryEnqueueControl(Frame("ack")));
        Assert.True(enqueued);
        Assert.True(writer.IsCompleted);
        Assert.Equal(("ack", enqueuer), await writer);
    }

    [Fact]
    public async Task LiveFrame_WakesTheWriterThroughTheThreadPool_NotUnderTheCallersLock()
    {
        var q = new OutboundQueue(10, 1000, 10);
        var writer = await ParkedWriterAsync(q);

        var (enqueued, enqueuer) = OnOwnThread(() => q.TryEnqueueLive(Frame("msg")));
        Assert.True(enqueued);
        var (text, writerThread) = await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("msg", text);
        Assert.NotEqual(enqueuer, writerThread);
    }

    [Fact]
    public async Task DeferredLiveFrame_LeavesTheWriterParked_TheNextControlFrameWakesItInline()
    {
        var q = new OutboundQueue(10, 1000, 10);
        var writer = await ParkedWriterAsync(q);

        // A sender's own msg, then its ack, on the thread that settles the send.
        var parkedAfterMsg = false;
        var (enqueued, enqueuer) = OnOwnThread(() =>
        {
            var msg = q.TryEnqueueLive(Frame("msg"), deferWake: true);
            parkedAfterMsg = q.WriterParked && !writer.IsCompleted;
            return msg && q.TryEnqueueControl(Frame("ack"));
        });

        Assert.True(enqueued);
        Assert.True(parkedAfterMsg);
        Assert.True(writer.IsCompleted);
        Assert.Equal(("ack", enqueuer), await writer);
        Assert.Equal("msg", Text(await q.DequeueAsync()));
    }

    [Fact]
    public async Task FlushDeferredWake_WakesInline_OnlyWhenAFrameWaits()
    {
        var q = new OutboundQueue(10, 1000, 10);
        var writer = await ParkedWriterAsync(q);
        q.FlushDeferredWake();
        Assert.True(q.WriterParked);
        Assert.False(writer.IsCompleted);

        var (parkedAfterMsg, flusher) = OnOwnThread(() =>
        {
            q.TryEnqueueLive(Frame("msg"), deferWake: true);
            var parked = q.WriterParked;
            q.FlushDeferredWake();
            return parked;
        });

        Assert.True(parkedAfterMsg);
        Assert.True(writer.IsCompleted);
        Assert.Equal(("msg", flusher), await writer);
    }

    [Fact]
    public async Task DeferredWake_DoesNotHoldBackAnotherThreadsLiveFrame()
    {
        var q = new OutboundQueue(10, 1000, 10);
        var writer = await ParkedWriterAsync(q);
        Assert.True(q.TryEnqueueLive(Frame("own"), deferWake: true));

        // Another room's publish, elsewhere: it wakes the writer as always, which takes what is queued.
        Assert.True(OnOwnThread(() => q.TryEnqueueLive(Frame("other"))).Result);
        Assert.Equal("own", (await writer.WaitAsync(TimeSpan.FromSeconds(30))).Text);
        Assert.Equal("other", Text(await q.DequeueAsync()));
    }

    [Fact]
    public async Task ReplayWaitsForSpace_ThenContinues()
    {
        var q = new OutboundQueue(maxMessages: 1, maxBytes: 1000, maxControl: 1);
        await q.EnqueueReplayAsync(Frame("r1"), CancellationToken.None);
        var second = q.EnqueueReplayAsync(Frame("r2"), CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        Assert.Equal("r1", Text(await q.DequeueAsync()));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("r2", Text(await q.DequeueAsync()));
    }

    /// <summary>
    /// Parks a writer on the empty queue, from a pool thread as a session's writer is (no synchronization context to
    /// resume through), and returns what it takes and the thread it resumed on. Parking is synchronous: by the time
    /// DequeueAsync returns, the queue's wait and the writer's await both hold their continuations, so a wake alone
    /// decides where the writer resumes. (Parking it in Task.Run and polling until it parked raced: a wake that came
    /// before those awaits registered let the writer resume on its own thread, and the inline test failed.)
    /// </summary>
    private static async Task<Task<(string Text, int Thread)>> ParkedWriterAsync(OutboundQueue q)
    {
        var (writer, parked) = await Task.Run(() =>
        {
            var taken = q.DequeueAsync();
            Assert.False(taken.IsCompleted);
            return (ResumeAsync(taken), q.WriterParked);
        });
        Assert.True(parked);
        return writer;

        static async Task<(string Text, int Thread)> ResumeAsync(ValueTask<WireMessage?> taken)
        {
            var m = await taken;
            return (Text(m), Environment.CurrentManagedThreadId);
        }
    }

    /// <summary>Runs <paramref name="enqueue"/> on a new thread (not a pool thread) and returns its result and that thread's id.</summary>
    private static (bool Result, int Thread) OnOwnThread(Func<bool> enqueue)
    {
        var result = false;
        var thread = new Thread(() => result = enqueue());
        thread.Start();
        thread.Join();
        return (result, thread.ManagedThreadId);
    }
}
