using System.Text.Json;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.Core;

public sealed class ConnectionTests
{
    [Fact]
    public async Task Welcome_AnnouncesEveryLimit()
    {
        var options = new ChatServerOptions { HeartbeatInterval = TimeSpan.FromSeconds(3), MaxInFlight = 7, RateLimitPerSecond = 9, RateLimitBurst = 11, HistoryMaxLimit = 42 };
        await using var h = new CoreHarness(options);
        var (_, w) = await h.ConnectAsync();
        Assert.Equal(("u1", 3000L, 7, 9.0, 11, 42), (w.UserId, w.HeartbeatMs, w.MaxInFlight, w.RateLimit.PerSecond, w.RateLimit.Burst, w.HistoryMaxLimit));
        Assert.Equal(options.MaxFrameBytes, w.MaxFrameBytes);
        Assert.Equal(h.NowMs, w.ServerTime);
        Assert.Contains("deflate", w.Codecs);
    }

    [Fact]
    public async Task FirstFrameNotHello_Closes4400()
    {
        await using var h = new CoreHarness();
        var c = h.Open();
        await c.SendAsync(new JoinFrame { Room = "r1" });
        var (close, frames) = await c.ExpectClosedAsync();
        Assert.Equal(CloseCodes.HelloExpected, close.Code);
        Assert.Empty(frames);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bad")]
    [InlineData("ok:u1:1000")]
    public async Task Hello_WithoutValidToken_Closes4401(string? token)
    {
        await using var h = new CoreHarness();
        var c = h.Open();
        await c.SendAsync(new HelloFrame { ClientId = "c1", Token = token });
        Assert.Equal(CloseCodes.Unauthorized, (await c.ExpectClosedAsync()).Close.Code);
    }

    [Fact]
    public async Task SecondHello_ErrorInvalidFrame_ConnectionStaysOpen()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.ConnectAsync();
        await c.SendAsync(new HelloFrame { ClientId = "c1", Token = "ok:u1", Rid = "r-9" });
        var error = await c.ExpectAsync<ErrorFrame>();
        Assert.Equal((ErrorCodes.InvalidFrame, "r-9"), (error.Code, error.Ref));
        await c.SyncAsync();
    }

    [Fact]
    public async Task NewerHello_SameClient_OldClosed4410BeforeWelcome()
    {
        await using var h = new CoreHarness();
        var (old, _) = await h.ConnectAsync();
        var (fresh, _) = await h.ConnectAsync();
        Assert.Equal(CloseCodes.Superseded, (await old.ExpectClosedAsync()).Close.Code);
        await fresh.SyncAsync();
        Assert.Equal(1, h.Core.SessionCount);
    }

    [Fact]
    public async Task PerUserCap_Closes4429WithRetryHint()
    {
        await using var h = new CoreHarness(new ChatServerOptions { MaxConnectionsPerUser = 2 });
        await h.ConnectAsync(clientId: "a");
        await h.ConnectAsync(clientId: "b");
        var c = h.Open(clientId: "c");
        await c.SendAsync(new HelloFrame { ClientId = "c", Token = "ok:u1" });
        var close = (await c.ExpectClosedAsync()).Close;
        Assert.Equal(CloseCodes.TooManyConnections, close.Code);
        Assert.Equal(1000, JsonDocument.Parse(close.Reason!).RootElement.GetProperty("retryAfterMs").GetInt64());
    }

    [Fact]
    public async Task TotalCap_Closes1013()
    {
        await using var h = new CoreHarness(new ChatServerOptions { MaxConnections = 1 });
        await h.ConnectAsync();
        var c = h.Open(clientId: "c2");
        Assert.Equal(CloseCodes.Overloaded, (await c.ExpectClosedAsync()).Close.Code);
    }

    [Fact]
    public async Task Heartbeat_PingEveryInterval_4408AfterTwoIntervalsOfSilence()
    {
        await using var h = new CoreHarness(new ChatServerOptions { HeartbeatInterval = TimeSpan.FromSeconds(5) });
        var (c, _) = await h.ConnectAsync();
        c.SkipPings = false;
        await c.SyncAsync(); // the heartbeat timer is armed once the receive loop answers
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.IsType<PingFrame>(await c.ReceiveAsync());
        h.Time.Advance(TimeSpan.FromSeconds(4));

        // Any frame resets the silence timer.
        await c.SendAsync(new PongFrame { Ts = 1 });
        await c.SyncAsync();
        h.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(c.Connection.CloseInfo);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var (close, _) = await c.ExpectClosedAsync();
        Assert.Equal(CloseCodes.HeartbeatTimeout, close.Code);
    }

    [Fact]
    public async Task TokenExpiry_WithoutRefresh_Closes4401_RefreshExtends()
    {
        await using var h = new CoreHarness(new ChatServerOptions { HeartbeatInterval = TimeSpan.FromSeconds(60) });
        var c = h.Open();
        await c.SendAsync(new HelloFrame { ClientId = "c1", Token = $"ok:u1:{h.NowMs + 10_000}" });
        await c.ExpectAsync<WelcomeFrame>();
        await c.SendAsync(new AuthFrame { Token = $"ok:u1:{h.NowMs + 20_000}", Rid = "a1" });
        var authed = await c.ExpectAsync<AuthedFrame>();
        Assert.Equal((h.NowMs + 20_000, "a1"), (authed.Exp, authed.Rid));
        h.Time.Advance(TimeSpan.FromSeconds(15));
        await c.SyncAsync();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(CloseCodes.Unauthorized, (await c.ExpectClosedAsync()).Close.Code);
    }

    [Fact]
    public async Task Auth_TokenForAnotherUser_Closes4403()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.ConnectAsync();
        await c.SendAsync(new AuthFrame { Token = "ok:someone-else" });
        Assert.Equal(CloseCodes.Forbidden, (await c.ExpectClosedAsync()).Close.Code);
    }

    [Fact]
    public async Task SlowConsumer_OnLiveTraffic_Closes4409_OthersUnaffected()
    {
        await using var h = new CoreHarness(new ChatServerOptions { OutboundQueueMessages = 64, RateLimitBurst = 1000 });
        var (slow, _) = await h.ConnectAsync("slow", "cs", capacity: 1);
        await slow.SendAsync(new JoinFrame { Room = "r1" });

        // The slow subscription must be live before the traffic starts. A join its session handles only after ~65
        // sends begins as a replay, and a replay waits for queue room instead of counting as slow: no 4409 would
        // come, and the wait for the close below timed out. Nothing to replay (head 0) and a ping barrier (the
        // join is handled before the ping) make it live; after the pong the slow client reads nothing more.
        Assert.Equal(0, (await slow.ExpectAsync<JoinedFrame>()).Head);
        await slow.SyncAsync();
        var hub = await h.Core.GetHubAsync("r1", create: false);
        Assert.True(Assert.Single(hub!.Snapshot(), s => s.Session.UserId == "slow").Live);
        var (fast, _) = await h.JoinedAsync("r1", "fast", "cf");
        var sender = await h.SenderAsync("r1");
        for (var batch = 0; batch < 10; batch++)
        {
            for (var i = 0; i < 20; i++)
            {
                await sender.SendAsync(sender.Send("r1", "m" + i, h.NowMs));
            }

            await sender.SettledAsync(20);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal((batch * 20) + i + 1, (await fast.ExpectAsync<MsgFrame>()).Seq);
            }
        }

        var (close, before) = await slow.ExpectClosedAsync();
        Assert.Equal(CloseCodes.SlowConsumer, close.Code);
        Assert.Equal(Enumerable.Range(1, before.Count).Select(i => (long)i), before.Cast<MsgFrame>().Select(m => m.Seq)); // no gap before the close
        Assert.Equal(200, h.Core.Metrics.BroadcastEncodes);
    }

    [Fact]
    public async Task Broadcast_EncodesEachMessageOnceForAllRecipients()
    {
        await using var h = new CoreHarness();
        var readers = new List<TestClient>();
        for (var i = 0; i < 5; i++)
        {
            readers.Add((await h.JoinedAsync("r1", "u" + i, "c" + i)).Client);
        }

        var before = h.Core.Metrics.BroadcastEncodes;
        await readers[0].SendAsync(readers[0].Send("r1", "hi", h.NowMs));
        var senderFrames = await readers[0].SettledAsync(1, ownMessages: 1); // its ack and its own copy, in either order
        Assert.Equal("hi", senderFrames.OfType<MsgFrame>().Single().Body);
        foreach (var r in readers.Skip(1))
        {
            Assert.Equal("hi", (await r.ExpectAsync<MsgFrame>()).Body);
        }

        Assert.Equal(1, h.Core.Metrics.BroadcastEncodes - before);
    }

    [Fact]
    public async Task Leave_OtherDevicesGetLeft_LaterSendsForbidden()
    {
        await using var h = new CoreHarness();
        var (phone, _) = await h.JoinedAsync("r1", "u1", "phone");
        var (laptop, _) = await h.JoinedAsync("r1", "u1", "laptop");
        await phone.SendAsync(new LeaveFrame { Room = "r1", Rid = "l1" });
        var mine = await phone.ExpectAsync<LeftFrame>();
        Assert.Equal(("left", "l1"), (mine.Code, mine.Rid));
        Assert.Equal("left", (await laptop.ExpectAsync<LeftFrame>()).Code);
        await laptop.SendAsync(laptop.Send("r1", "x", h.NowMs));
        Assert.Equal(ErrorCodes.Forbidden, Assert.Single((await laptop.SettledAsync(1)).OfType<NackFrame>()).Code);
    }

    [Fact]
    public async Task AdminRemove_SessionGetsLeftRemoved_ResumeSaysRemoved_SendForbidden()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1");
        Assert.True(await h.Core.RemoveMemberAsync("r1", "u1"));
        Assert.Equal("removed", (await c.ExpectAsync<LeftFrame>()).Code);
        await c.DisposeAsync();
        var (again, _) = await h.ConnectAsync(rooms: [new RoomCursor { Room = "r1", Epoch = 1, After = 0 }]);
        Assert.Equal("removed", (await again.ExpectAsync<LeftFrame>()).Code);
        await again.SendAsync(again.Send("r1", "offline", h.NowMs));
        Assert.Equal(ErrorCodes.Forbidden, Assert.Single((await again.SettledAsync(1)).OfType<NackFrame>()).Code);
    }

    [Fact]
    public async Task ReadMarker_ReturnedInJoinedOnEveryDevice()
    {
        await using var h = new CoreHarness();
        var (c, _) = await h.JoinedAsync("r1", "u1", "phone");
        await c.SendAsync(c.Send("r1", "x", h.NowMs));
        await c.SettledAsync(1);
        await c.SendAsync(new ReadFrame { Room = "r1", Seq = 1 });
        await c.SyncAsync();
        var (other, joined) = await h.JoinedAsync("r1", "u1", "laptop");
        Assert.Equal(1, joined.Read);
        await other.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_FlushesAcksAndCloses1001WithRetryHint()
    {
        var h = new CoreHarness(new ChatServerOptions { ShutdownRetryAfter = TimeSpan.FromMilliseconds(1500) });
        var (c, _) = await h.JoinedAsync("r1");
        await c.SendAsync(c.Send("r1", "x", h.NowMs));
        await c.SettledAsync(1);
        await h.DisposeAsync();
        var (close, _) = await c.ExpectClosedAsync();
        Assert.Equal(CloseCodes.GoingAway, close.Code);
        Assert.Equal(1500, JsonDocument.Parse(close.Reason!).RootElement.GetProperty("retryAfterMs").GetInt64());
    }
}
