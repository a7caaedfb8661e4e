using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.Core;

public sealed class ReplayTests
{
    /// <summary>Sends and waits for the acks and, when <paramref name="subscribed"/>, for the sender's own copies.</summary>
    private static async Task SendManyAsync(TestClient c, CoreHarness h, string room, int count, bool subscribed = true)
    {
        for (var i = 0; i < count; i++)
        {
            await c.SendAsync(c.Send(room, "m" + c.NextSeq, h.NowMs));
        }

        await c.SettledAsync(count, subscribed ? count : 0);
    }

    [Fact]
    public async Task Resume_AfterK_ReplaysExactlyTheMissingRange()
    {
        await using var h = new CoreHarness();
        var (a, _) = await h.JoinedAsync("r1", "a", "ca");
        await SendManyAsync(a, h, "r1", 10);
        var (b, _) = await h.ConnectAsync("b", "cb", rooms: [new RoomCursor { Room = "r1", Epoch = 1, After = 4 }]);
        var joined = await b.ExpectAsync<JoinedFrame>();
        Assert.Equal((1L, 10L, 5L, true), (joined.Epoch, joined.Head, joined.From, joined.Recovered));
        Assert.Null(joined.Reset);
        for (var s = 5; s <= 10; s++)
        {
            Assert.Equal(s, (await b.ExpectAsync<MsgFrame>()).Seq);
        }
    }

    [Fact]
    public async Task Seam_UnderConcurrentSends_NoDuplicateNoHole()
    {
        await using var h = new CoreHarness(new ChatServerOptions { ReplayBatchMessages = 7, OutboundQueueMessages = 400, RateLimitBurst = 10_000, RateLimitPerSecond = 10_000 });
        var a = await h.SenderAsync("r1");
        await SendManyAsync(a, h, "r1", 100, subscribed: false);

        // The joiner replays 1..100 in small steps while the sender keeps going.
        var (b, _) = await h.ConnectAsync("b", "cb");
        var sending = Task.Run(async () => await SendManyAsync(a, h, "r1", 200, subscribed: false));
        await b.SendAsync(new JoinFrame { Room = "r1", Epoch = 1, After = 0 });
        var joined = await b.ExpectAsync<JoinedFrame>();
        Assert.Equal(1, joined.From);
        await sending;
        var seqs = new List<long>();
        while (seqs.Count < 300)
        {
            seqs.Add((await b.ExpectAsync<MsgFrame>()).Seq);
        }

        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task Seam_WithBugSwitchSkipSeamHold_LeavesAHole()
    {
        await using var h = new CoreHarness(new ChatServerOptions { Bugs = new ServerBugSwitches { SkipSeamHold = true }, ReplayBatchMessages = 1, OutboundQueueMessages = 8 });
        var a = await h.SenderAsync("r1");
        await SendManyAsync(a, h, "r1", 50, subscribed: false);
        var (b, _) = await h.ConnectAsync("b", "cb", capacity: 1);
        await b.SendAsync(new JoinFrame { Room = "r1" });
        await b.ExpectAsync<JoinedFrame>();

        // Live sends while the replay is throttled by the unread queue: they are held, then (bug) forgotten.
        await SendManyAsync(a, h, "r1", 5, subscribed: false);
        var seqs = new List<long>();
        while (seqs.Count < 50)
        {
            seqs.Add((await b.ExpectAsync<MsgFrame>()).Seq);
        }

        await SendManyAsync(a, h, "r1", 1, subscribed: false);
        var next = await b.ExpectAsync<MsgFrame>();
        Assert.Equal(56, next.Seq);
    }

    [Theory]
    [InlineData(2L, 3L)]
    [InlineData(1L, 99L)]
    public async Task Join_EpochMismatchOrAfterPastHead_ResetsAndReplaysAll(long epoch, long after)
    {
        await using var h = new CoreHarness();
        var (a, _) = await h.JoinedAsync("r1", "a", "ca");
        await SendManyAsync(a, h, "r1", 5);
        var (b, _) = await h.ConnectAsync("b", "cb");
        await b.SendAsync(new JoinFrame { Room = "r1", Epoch = epoch, After = after });
        var joined = await b.ExpectAsync<JoinedFrame>();
        Assert.True(joined.Reset);
        Assert.Equal((1L, 1L, 5L), (joined.Epoch, joined.From, joined.Head));
        Assert.Equal(1, (await b.ExpectAsync<MsgFrame>()).Seq);
    }

    [Fact]
    public async Task RoomRecreated_NewEpoch_OldCursorResets()
    {
        await using var h = new CoreHarness();
        var (a, _) = await h.JoinedAsync("r1", "a", "ca");
        await SendManyAsync(a, h, "r1", 3);
        Assert.True(await h.Core.DeleteRoomAsync("r1"));
        var left = await a.ExpectAsync<LeftFrame>();
        Assert.Equal("room_deleted", left.Code);
        await a.SendAsync(new JoinFrame { Room = "r1", Epoch = 1, After = 3 });
        var joined = await a.ExpectAsync<JoinedFrame>();
        Assert.Equal((2L, 0L, true), (joined.Epoch, joined.Head, joined.Reset == true));
    }

    [Fact]
    public async Task Retention_TrimmedRange_ReportedAsExactGap()
    {
        await using var h = new CoreHarness(new ChatServerOptions { RetentionMessages = 4 });
        var (a, _) = await h.JoinedAsync("r1", "a", "ca");
        await SendManyAsync(a, h, "r1", 10);
        await h.Core.RunRetentionAsync();
        var (b, _) = await h.ConnectAsync("b", "cb", rooms: [new RoomCursor { Room = "r1", Epoch = 1, After = 2 }]);
        var joined = await b.ExpectAsync<JoinedFrame>();
        Assert.False(joined.Recovered);
        Assert.Equal((3L, 6L), (joined.Gap!.From, joined.Gap.To));
        Assert.Equal(7, joined.From);
        Assert.Equal(7, (await b.ExpectAsync<MsgFrame>()).Seq);
    }

    [Fact]
    public async Task Retention_NeverTrimsPastAnActiveReplay()
    {
        await using var h = new CoreHarness(new ChatServerOptions { RetentionMessages = 2, OutboundQueueMessages = 1, ReplayBatchMessages = 1 });
        var a = await h.SenderAsync("r1");
        await SendManyAsync(a, h, "r1", 20, subscribed: false);

        // A reader that does not read: its replay stalls early.
        var (b, _) = await h.ConnectAsync("b", "cb", capacity: 1);
        await b.SendAsync(new JoinFrame { Room = "r1" });
        await b.ExpectAsync<JoinedFrame>();
        await h.Core.RunRetentionAsync();
        var first = (await h.Log.GetRoomAsync("r1"))!.FirstSeq;
        Assert.True(first <= 5, $"trimmed to {first} under an active replay");
        for (var s = 1; s <= 20; s++)
        {
            Assert.Equal(s, (await b.ExpectAsync<MsgFrame>()).Seq);
        }

        // Once the replay is over, retention proceeds.
        await b.SyncAsync();
        await h.Core.RunRetentionAsync();
        Assert.Equal(19, (await h.Log.GetRoomAsync("r1"))!.FirstSeq);
    }

    [Fact]
    public async Task History_PagesWithMore()
    {
        await using var h = new CoreHarness();
        var (a, _) = await h.JoinedAsync("r1", "a", "ca");
        await SendManyAsync(a, h, "r1", 5);
        await a.SyncAsync();
        await a.SendAsync(new HistoryFrame { Room = "r1", After = 1, Limit = 2, Rid = "h1" });
        var page = await ReadPageAsync(a);
        Assert.Equal([2L, 3L], page.Msgs.Select(m => m.Seq));
        Assert.True(page.More);
        Assert.Equal(("h1", 5L), (page.Rid, page.Head));
    }

    private static async Task<PageFrame> ReadPageAsync(TestClient c)
    {
        while (true)
        {
            if (await c.ReceiveAsync() is PageFrame p)
            {
                return p;
            }
        }
    }
}
