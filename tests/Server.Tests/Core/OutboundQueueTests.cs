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

    /// <summary>Starts a writer that takes one frame and says which thread it resumed on; returns once it is parked.</summary>
    private static async Task<Task<(string Text, int Thread)>> ParkedWriterAsync(OutboundQueue q)
    {
        var writer = Task.Run(async () =>
        {
            var m = await q.DequeueAsync();
            return (Text(m), Environment.CurrentManagedThreadId);
        });
        await ParkedAsync(q, writer);
        return writer;
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

    /// <summary>Waits (bounded) until the writer has parked in DequeueAsync with nothing to take.</summary>
    private static async Task ParkedAsync(OutboundQueue q, Task writer)
    {
        // The writer parks as soon as it finds the queue empty; a control frame enqueued before that would simply be
        // taken without waking anyone, so probe: an empty queue with the writer still running means it is parked.
        for (var i = 0; i < 3000 && !q.WriterParked; i++)
        {
            await Task.Delay(1);
        }

        Assert.True(q.WriterParked, "writer did not park");
        Assert.False(writer.IsCompleted);
    }
}
