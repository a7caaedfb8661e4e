using ChatResilience.Protocol;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.Core;

public sealed class SettlementTests
{
    [Fact]
    public async Task Send_Member_AckedAfterCommitAndDeliveredToSelf()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1");
        await c.SendAsync(c.Send("r1", "hello", h.NowMs));
        var frames = await c.SettledAsync(1);
        if (!frames.OfType<MsgFrame>().Any())
        {
            frames.Add(await c.ExpectAsync<MsgFrame>());
        }
        var ack = Assert.Single(frames.OfType<AckFrame>());
        Assert.Equal(1, ack.Seq);
        Assert.Equal(1, ack.RoomSeq);
        Assert.False(ack.Dup);
        var msg = Assert.Single(frames.OfType<MsgFrame>());
        Assert.Equal("hello", msg.Body);
        Assert.Equal("u1", msg.From);
        Assert.Equal(1, msg.ClientSeq);
        Assert.Equal(1, (await h.Log.GetRoomAsync("r1"))!.Head);
    }

    [Fact]
    public async Task Replay_SameSeqSameId_SameAckWithDupAndNothingStored()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1");
        var send = c.Send("r1", "x", h.NowMs);
        await c.SendAsync(send);
        await c.SendAsync(send);
        var acks = (await c.SettledAsync(2)).OfType<AckFrame>().ToList();
        Assert.Equal(2, acks.Count);
        Assert.False(acks[0].Dup);
        Assert.True(acks[1].Dup);
        Assert.Equal(acks[0].RoomSeq, acks[1].RoomSeq);
        Assert.Equal(1, (await h.Log.GetRoomAsync("r1"))!.Head);
    }

    [Fact]
    public async Task Replay_SameSeqOtherId_FinalConflict()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1");
        await c.SendAsync(c.Send("r1", "x", h.NowMs, seq: 1, id: "a"));
        await c.SendAsync(c.Send("r1", "y", h.NowMs, seq: 1, id: "b"));
        var nack = Assert.Single((await c.SettledAsync(2)).OfType<NackFrame>());
        Assert.Equal(ErrorCodes.Conflict, nack.Code);
        Assert.False(nack.Retryable);
        Assert.Equal("b", nack.Id);
    }

    [Fact]
    public async Task Gap_OutOfOrderOnceThenDroppedUntilExpected()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1");
        await c.SendAsync(c.Send("r1", "1", h.NowMs, seq: 1));
        await c.SendAsync(c.Send("r1", "3", h.NowMs, seq: 3));
        await c.SendAsync(c.Send("r1", "4", h.NowMs, seq: 4));
        await c.SendAsync(c.Send("r1", "2", h.NowMs, seq: 2));
        var settled = (await c.SettledAsync(3)).Where(f => f is AckFrame or NackFrame).ToList();
        Assert.Collection(
            settled,
            f => Assert.Equal(1, Assert.IsType<AckFrame>(f).Seq),
            f =>
            {
                var n = Assert.IsType<NackFrame>(f);
                Assert.Equal((ErrorCodes.OutOfOrder, 3L, 2L, true), (n.Code, n.Seq, n.ExpectedSeq!.Value, n.Retryable));
            },
            f => Assert.Equal(2, Assert.IsType<AckFrame>(f).Seq));
    }

    [Fact]
    public async Task RateLimited_RetryableWithHint_ThenOutOfOrderOnce_ReplaysCostNoTokens()
    {
        await using var h = new CoreHarness(new ChatServerOptions { RateLimitBurst = 2, RateLimitPerSecond = 1 });
        var (c, _) = await h.JoinedAsync("r1");
        var first = c.Send("r1", "1", h.NowMs);
        await c.SendAsync(first);
        await c.SendAsync(c.Send("r1", "2", h.NowMs));

        // Replays are free: many of them, still only two tokens used.
        for (var i = 0; i < 5; i++)
        {
            await c.SendAsync(first);
        }

        await c.SendAsync(c.Send("r1", "3", h.NowMs));
        await c.SendAsync(c.Send("r1", "4", h.NowMs));
        await c.SendAsync(c.Send("r1", "5", h.NowMs));
        var settled = (await c.SettledAsync(9)).Where(f => f is AckFrame or NackFrame).ToList();
        Assert.Equal(2 + 5 + 2, settled.Count);
        Assert.Equal(7, settled.Take(7).OfType<AckFrame>().Count());
        var limited = Assert.IsType<NackFrame>(settled[7]);
        Assert.Equal((ErrorCodes.RateLimited, 3L, true), (limited.Code, limited.Seq, limited.Retryable));
        Assert.True(limited.RetryAfterMs > 0);
        var ooo = Assert.IsType<NackFrame>(settled[8]);
        Assert.Equal((ErrorCodes.OutOfOrder, 4L, 3L), (ooo.Code, ooo.Seq, ooo.ExpectedSeq!.Value));

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await c.SendAsync(c.Send("r1", "3", h.NowMs, seq: 3));
        var ack = Assert.Single((await c.SettledAsync(1)).OfType<AckFrame>());
        Assert.Equal(3, ack.Seq);
    }

    [Fact]
    public async Task Cancel_SettledAsExpired_AndReplayedSendGetsTheSameNack()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1");
        await c.SendAsync(new CancelFrame { Seq = 1 });
        await c.SendAsync(c.Send("r1", "late", h.NowMs, seq: 1));
        var nacks = (await c.SettledAsync(2)).OfType<NackFrame>().ToList();
        Assert.Equal(2, nacks.Count);
        Assert.All(nacks, n => Assert.Equal((ErrorCodes.Expired, 1L, false), (n.Code, n.Seq, n.Retryable)));
        Assert.Equal(0, (await h.Log.GetRoomAsync("r1"))!.Head);
    }

    [Fact]
    public async Task FinalNacks_NoSuchRoom_Forbidden_Expired_AreRecordedAndReplayed()
    {
        await using var h = new CoreHarness(new ChatServerOptions { MaxOfflineAge = TimeSpan.FromHours(1) });
        var (owner, _) = await h.JoinedAsync("other", user: "u2", clientId: "c2");
        var (c, _) = await h.JoinedAsync("r1");
        await c.SendAsync(c.Send("ghost", "a", h.NowMs));
        await c.SendAsync(c.Send("other", "b", h.NowMs));
        await c.SendAsync(c.Send("r1", "c", h.NowMs - (long)TimeSpan.FromHours(2).TotalMilliseconds));
        var first = (await c.SettledAsync(3)).OfType<NackFrame>().Select(n => (n.Seq, n.Code)).ToList();
        Assert.Equal([(1L, ErrorCodes.NoSuchRoom), (2L, ErrorCodes.Forbidden), (3L, ErrorCodes.Expired)], first);

        // Replays get the recorded outcomes, whatever changed since.
        await c.SendAsync(c.Send("r1", "a", h.NowMs, seq: 1, id: "c1-1"));
        var again = Assert.Single((await c.SettledAsync(1)).OfType<NackFrame>());
        Assert.Equal((1L, ErrorCodes.NoSuchRoom), (again.Seq, again.Code));
        await owner.DisposeAsync();
    }

    [Fact]
    public async Task Pipelined_ManySends_AckedInSeqOrderWithContiguousRoomSeqs()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1");
        for (var i = 0; i < 50; i++)
        {
            await c.SendAsync(c.Send("r1", "m" + i, h.NowMs));
        }

        var acks = (await c.SettledAsync(50)).OfType<AckFrame>().ToList();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), acks.Select(a => a.Seq));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long?)i), acks.Select(a => a.RoomSeq));
    }

    [Fact]
    public async Task ImmediateReplies_BehindAPendingCommit_StillLeaveInSeqOrder()
    {
        // Replies already decided (a nack, a replay) bypass the ordered pump only when nothing is outstanding.
        var log = new GatedMessageLog();
        await using var h = new CoreHarness(log: log);
        var (c, _) = await h.JoinedAsync("r1");
        log.Hold = true;
        await c.SendAsync(c.Send("r1", "1", h.NowMs, seq: 1, id: "a1"));
        await c.SendAsync(c.Send("r1", "1", h.NowMs, seq: 1, id: "other"));
        await c.SendAsync(c.Send("r1", "3", h.NowMs, seq: 3, id: "a3"));
        await c.SendAsync(new PingFrame { Ts = 1 });
        Assert.IsType<PongFrame>(await c.ReceiveAsync()); // every send above is decided; the commit of seq 1 is still held
        log.Hold = false;
        log.Open();
        var settled = (await c.SettledAsync(3, ownMessages: 1)).Where(f => f is AckFrame or NackFrame).ToList();
        Assert.Collection(
            settled,
            f => Assert.Equal((1L, false), (Assert.IsType<AckFrame>(f).Seq, ((AckFrame)f).Dup)),
            f => Assert.Equal((1L, ErrorCodes.Conflict), (Assert.IsType<NackFrame>(f).Seq, ((NackFrame)f).Code)),
            f => Assert.Equal((3L, ErrorCodes.OutOfOrder), (Assert.IsType<NackFrame>(f).Seq, ((NackFrame)f).Code)));
    }

    [Fact]
    public async Task Settlement_SurvivesReconnect_ReplayAfterNewSessionIsDup()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1");
        var send = c.Send("r1", "x", h.NowMs);
        await c.SendAsync(send);
        await c.SettledAsync(1);
        await c.DisposeAsync();
        var (c2, _) = await h.ConnectAsync();
        await c2.SendAsync(send);
        var ack = Assert.Single((await c2.SettledAsync(1)).OfType<AckFrame>());
        Assert.True(ack.Dup);
        Assert.Equal(1, ack.RoomSeq);
    }

    [Fact]
    public async Task InvalidSend_WithReadableIdAndSeq_FinalNackRecorded()
    {
        await using var h = new CoreHarness(new ChatServerOptions { MaxBodyBytes = 10 });
        var (c, _) = await h.JoinedAsync("r1");
        await c.SendAsync(c.Send("r1", new string('x', 11), h.NowMs));
        await c.SendAsync(c.Send("r1", "ok", h.NowMs));
        var settled = (await c.SettledAsync(2)).Where(f => f is AckFrame or NackFrame).ToList();
        var nack = Assert.IsType<NackFrame>(settled[0]);
        Assert.Equal((ErrorCodes.TooLarge, 1L, false), (nack.Code, nack.Seq, nack.Retryable));
        Assert.Equal(2, Assert.IsType<AckFrame>(settled[1]).Seq);
        Assert.Equal(1, (await h.Log.GetRoomAsync("r1"))!.Head);
    }
}
