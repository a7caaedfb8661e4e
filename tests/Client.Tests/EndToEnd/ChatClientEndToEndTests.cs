using System.Collections.Concurrent;
using ChatResilience.Client.Outbox;
using ChatResilience.Client.Reconnect;
using ChatResilience.Client.Transport;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Frames;
using static ChatResilience.Client.Tests.EndToEnd.ClientHarness;

namespace ChatResilience.Client.Tests.EndToEnd;

public sealed class ChatClientEndToEndTests
{
    [Fact]
    public async Task Connect_ReachesConnectedAndResumesNothing()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        await using var client = Create(server, time);
        var states = new ConcurrentQueue<ConnectionState>();
        client.OnStateChanged += states.Enqueue;
        await client.ConnectAsync().Within();
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal([ConnectionState.Connecting, ConnectionState.Connected], states);
        var hello = await server.FirstHello.Task.Within();
        Assert.Equal("c1", hello.ClientId);
        Assert.Null(hello.Rooms);
        Assert.Equal("u1", client.UserId);
    }

    [Fact]
    public async Task Send_Acked_CompletesWithRoomSeqAndMovesProvisional()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        await using var client = Create(server, time);
        var moves = new ConcurrentQueue<ProvisionalMove>();
        client.OnProvisionalMoved += moves.Enqueue;
        await client.ConnectAsync().Within();
        var handle = await client.SendAsync("room", "hello");
        var result = await handle.Completion.Within();
        Assert.Equal(1, result.Seq);
        Assert.Equal(1, result.RoomSeq);
        Assert.False(result.Duplicate);
        Assert.Equal("hello", server.Stored("room").Single().Body);
        await EventuallyAsync(() => moves.Count == 1, "provisional move");
        Assert.Equal(1, moves.Single().RoomSeq);
    }

    [Fact]
    public async Task DisconnectWhileSending_ReconnectsWithNothingLostDuplicatedOrReordered()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { MaxInFlight = 4 };
        var aborted = 0;
        server.SendScript = (_, n) => n is 6 or 15 && Interlocked.Increment(ref aborted) <= 2 ? SendAction.AbortConnection : SendAction.Process;
        var logs = new ListLoggerFactory();
        await using var client = Create(server, time, logs: logs);
        await client.ConnectAsync().Within();
        var handles = new List<SendHandle>();
        for (var i = 0; i < 30; i++)
        {
            handles.Add(await client.SendAsync("room", "m" + i));
        }

        SendResult[] results;
        try
        {
            results = await Task.WhenAll(handles.Select(h => h.Completion)).Within();
        }
        catch (TimeoutException)
        {
            Assert.Fail(string.Join("\n", logs.Lines) + "\nserver got: " + string.Join(",", server.Received.Select(f => f is SendFrame sf ? "s" + sf.Seq : f.Type)));
            throw;
        }

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), results.Select(r => r.Seq));
        var stored = server.Stored("room");
        Assert.Equal(Enumerable.Range(0, 30).Select(i => "m" + i), stored.Select(m => m.Body));
        Assert.Equal(30, stored.Select(m => m.Id).Distinct().Count());
        Assert.True(server.ConnectCount >= 3, $"expected reconnects, saw {server.ConnectCount} connections");
        Assert.Empty((await ((InMemoryOutboxStore)GetStore(client)).LoadAsync()).Entries);
    }

    [Fact]
    public async Task OutOfOrderNack_ResendsFromExpectedSeq()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        server.SendScript = (send, n) => n == 3 ? SendAction.DropSilently : SendAction.Process;
        await using var client = Create(server, time);
        var nacks = new ConcurrentQueue<NackFrame>();
        client.OnNack += nacks.Enqueue;
        await client.ConnectAsync().Within();
        var handles = new List<SendHandle>();
        for (var i = 0; i < 8; i++)
        {
            handles.Add(await client.SendAsync("room", "m" + i));
        }

        await Task.WhenAll(handles.Select(h => h.Completion)).Within();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => "m" + i), server.Stored("room").Select(m => m.Body));
        Assert.Contains(nacks, n => n.Code == ErrorCodes.OutOfOrder && n.ExpectedSeq is not null);
        Assert.Equal(1, server.ConnectCount);
    }

    [Fact]
    public async Task RateLimitedNack_WaitsForRetryAfterOnTheClock()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { ActLikeRateLimited = true };
        server.SendScript = (send, n) => n == 2 ? SendAction.DropSilently : SendAction.Process;
        await using var client = Create(server, time);
        var nacked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnNack += _ => nacked.TrySetResult();
        await client.ConnectAsync().Within();
        var handles = new List<SendHandle>();
        for (var i = 0; i < 4; i++)
        {
            handles.Add(await client.SendAsync("room", "m" + i));
        }

        await nacked.Task.Within();

        // m3 was pipelined behind m2 and may reach the server after the nack: count only once all four arrived,
        // so what follows sees retransmissions alone.
        await EventuallyAsync(() => server.Received.OfType<SendFrame>().Count() >= 4, "the four first transmissions");
        var sendsBefore = server.Received.OfType<SendFrame>().Count();

        // A negative check: with the fake clock standing still, no retransmission may come. A client that ignored
        // retryAfterMs resends at once (its sender loop is already rung), well inside this wall-time window.
        await Task.Delay(100);
        Assert.Equal(sendsBefore, server.Received.OfType<SendFrame>().Count());
        Assert.False(handles[1].Completion.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(500));
        await Task.WhenAll(handles.Select(h => h.Completion)).Within();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => "m" + i), server.Stored("room").Select(m => m.Body));
    }

    [Fact]
    public async Task DuplicateMsgs_AreDroppedAndOrderKept()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        await using var client = Create(server, time);
        var seen = new ConcurrentQueue<long>();
        client.OnMessage += m => seen.Enqueue(m.Seq);
        await client.ConnectAsync().Within();
        await client.JoinAsync("room").Within();
        foreach (var seq in new long[] { 1, 2, 2, 1, 3, 3 })
        {
            await server.PushAsync(Session.RoomSequencerTests.Msg(seq, room: "room"));
        }

        await EventuallyAsync(() => client.Rooms.Single().After == 3, "cursor at 3");
        Assert.Equal([1L, 2L, 3L], seen);
    }

    [Fact]
    public async Task MissingMsg_IsFetchedWithHistory()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        await using var client = Create(server, time);
        var seen = new ConcurrentQueue<long>();
        client.OnMessage += m => seen.Enqueue(m.Seq);
        await client.ConnectAsync().Within();
        await client.JoinAsync("room").Within();
        server.AppendStored("room", Session.RoomSequencerTests.Msg(1, room: "room"), Session.RoomSequencerTests.Msg(2, room: "room"), Session.RoomSequencerTests.Msg(3, room: "room"));
        await server.PushAsync(Session.RoomSequencerTests.Msg(1, room: "room"));
        await server.PushAsync(Session.RoomSequencerTests.Msg(3, room: "room"));
        await EventuallyAsync(() => seen.Count == 3, "three messages");
        Assert.Equal([1L, 2L, 3L], seen);
        Assert.Contains(server.Received, f => f is HistoryFrame { After: 1 });
    }

    [Fact]
    public async Task JoinedNotRecovered_SurfacesGapAndDeliversTheRest()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        server.Rooms["room"] = [.. Enumerable.Range(1, 8).Select(i => Session.RoomSequencerTests.Msg(i, room: "room"))];
        server.TrimmedThrough["room"] = 5;
        await using var client = Create(server, time);
        var gaps = new ConcurrentQueue<RoomGap>();
        var seen = new ConcurrentQueue<long>();
        client.OnGap += gaps.Enqueue;
        client.OnMessage += m => seen.Enqueue(m.Seq);
        await client.ConnectAsync().Within();
        var joined = await client.JoinAsync("room").Within();
        Assert.False(joined.Recovered);
        await EventuallyAsync(() => seen.Count == 3, "messages 6..8");
        Assert.Equal([new RoomGap("room", 1, 1, 5)], gaps);
        Assert.Equal([6L, 7L, 8L], seen);
    }

    [Fact]
    public async Task ResumeWithStaleEpoch_SurfacesReset()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        server.Rooms["room"] = [Session.RoomSequencerTests.Msg(1, room: "room")];
        var store = new InMemoryOutboxStore();
        await store.SaveCursorAsync(new RoomCursorState("room", 7, 40));
        await using var client = Create(server, time, store: store);
        var resets = new ConcurrentQueue<RoomReset>();
        client.OnReset += resets.Enqueue;
        await client.ConnectAsync().Within();
        var hello = await server.FirstHello.Task.Within();
        Assert.Equal(new RoomCursor { Room = "room", Epoch = 7, After = 40 }, hello.Rooms!.Single());
        await EventuallyAsync(() => client.Rooms.Single().After == 1, "cursor reset to the room's truth");
        Assert.Equal(1, resets.Single().Epoch);
        Assert.Equal(new RoomCursorState("room", 1, 1), (await store.LoadAsync()).Cursors.Single());
    }

    [Fact]
    public async Task FinalNack_FailsTheHandleWithTheCode()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        server.DeletedRooms.Add("gone");
        await using var client = Create(server, time);
        var failures = new ConcurrentQueue<SendFailure>();
        client.OnFailed += failures.Enqueue;
        var offline = await client.SendAsync("gone", "composed offline");
        Assert.True(offline.ComposedOffline);
        await client.ConnectAsync().Within();
        var e = await Assert.ThrowsAsync<SendFailedException>(() => offline.Completion.Within());
        Assert.Equal(ErrorCodes.NoSuchRoom, e.Code);
        await EventuallyAsync(() => failures.Count == 1, "failure event");
        var next = await client.SendAsync("room", "after");
        Assert.Equal(2, (await next.Completion.Within()).Seq);
    }

    [Fact]
    public async Task Superseded_IsTerminal()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        await using var client = Create(server, time);
        await client.ConnectAsync().Within();
        var pending = await client.SendAsync("room", "x");
        await pending.Completion.Within();
        await server.DropAllAsync(CloseCodes.Superseded, "superseded");
        await EventuallyAsync(() => client.State == ConnectionState.Closed, "Closed");
        Assert.Contains("superseded", client.CloseReason, StringComparison.Ordinal);
        Assert.Equal(1, server.ConnectCount);
        await Assert.ThrowsAsync<ChatClientClosedException>(() => client.SendAsync("room", "late"));
    }

    [Fact]
    public async Task Unauthorized_GetsFreshTokenOnce_ThenSecondInARowIsTerminal()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { RejectConnect = _ => new ConnectRejectedException(401, null) };
        var tokens = 0;
        await using var client = Create(server, time, token: _ => ValueTask.FromResult("t" + Interlocked.Increment(ref tokens)));
        await Assert.ThrowsAsync<ChatClientClosedException>(() => client.ConnectAsync().Within());
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Equal(["t1", "t2"], server.TokensSeen);
    }

    [Fact]
    public async Task Unauthorized_ThenValidToken_Connects()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { RejectConnect = t => t == "expired" ? new ConnectRejectedException(401, null) : null };
        var calls = 0;
        await using var client = Create(server, time, token: _ => ValueTask.FromResult(Interlocked.Increment(ref calls) == 1 ? "expired" : "fresh"));
        await client.ConnectAsync().Within();
        Assert.Equal(["expired", "fresh"], server.TokensSeen);
    }

    [Fact]
    public async Task Token_IsRefreshedInBandBeforeExpiry()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { HeartbeatMs = 100_000 };
        var issued = new ConcurrentQueue<string>();
        await using var client = Create(server, time, token: _ =>
        {
            var t = Jwt(time.GetUtcNow().AddSeconds(120), "n" + issued.Count);
            issued.Enqueue(t);
            return ValueTask.FromResult(t);
        });
        await client.ConnectAsync().Within();
        Assert.DoesNotContain(server.Received, f => f is AuthFrame);
        time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(50);
        Assert.DoesNotContain(server.Received, f => f is AuthFrame);
        await EventuallyAsync(() => server.Received.Any(f => f is AuthFrame), "auth frame", time, TimeSpan.FromMilliseconds(500));
        var auth = server.Received.OfType<AuthFrame>().First();
        Assert.Equal(2, issued.Count);
        Assert.Equal(issued.Last(), auth.Token);
        Assert.NotEqual(issued.First(), auth.Token);
        Assert.Equal(1, server.ConnectCount);
    }

    [Fact]
    public async Task HeartbeatSilence_ReconnectsAndResumes()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { HeartbeatMs = 1000 };
        await using var client = Create(server, time);
        await client.ConnectAsync().Within();
        await client.JoinAsync("room").Within();
        await EventuallyAsync(() => server.ConnectCount >= 2, "a reconnect after silence", time, TimeSpan.FromMilliseconds(250));
        await EventuallyAsync(() => client.State == ConnectionState.Connected, "connected again");
        Assert.Contains(server.Received.OfType<HelloFrame>(), h => h.Rooms?.Any(r => r.Room == "room") == true);
    }

    [Fact]
    public async Task Restart_ReplaysOutboxWithOriginalIdsAndSeqs()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        var store = new InMemoryOutboxStore();
        var first = Create(server, time, store: store);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await first.SendAsync("room", "m" + i)).Id);
        }

        await first.DisposeAsync();
        await using var second = Create(server, time, store: store, seed: 2);
        await second.ConnectAsync().Within();
        await EventuallyAsync(() => server.Stored("room").Count == 3, "replayed sends");
        var stored = server.Stored("room");
        Assert.Equal(ids, stored.Select(m => m.Id));
        Assert.Equal([1L, 2L, 3L], stored.Select(m => m.ClientSeq));
    }

    [Fact]
    public async Task TimeToLive_GivesUpWithCancel()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        var options = Options() with { OutboxTimeToLive = TimeSpan.FromMinutes(1) };
        await using var client = Create(server, time, options);
        var old = await client.SendAsync("room", "too old");
        time.Advance(TimeSpan.FromMinutes(2));
        await client.ConnectAsync().Within();
        var e = await Assert.ThrowsAsync<SendFailedException>(() => old.Completion.Within());
        Assert.Equal(ErrorCodes.Expired, e.Code);
        Assert.Contains(server.Received, f => f is CancelFrame { Seq: 1 });
        Assert.Empty(server.Stored("room"));
    }

    [Fact]
    public async Task Backoff_FollowsThePolicyScheduleOnTheFakeClock()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { RejectConnect = _ => new IOException("refused") };
        var reconnect = new ReconnectOptions { MaxAttempts = 5 };
        await using var client = Create(server, time, Options(reconnect: reconnect), seed: 99);
        var scheduled = new ConcurrentQueue<ReconnectScheduled>();
        var connectsAtEvent = new ConcurrentQueue<int>();
        client.OnReconnectScheduled += s =>
        {
            connectsAtEvent.Enqueue(server.ConnectCount);
            scheduled.Enqueue(s);
            // The wait is armed before the event, so the handler can drive the clock itself. With the wait armed
            // after it, this advance came too early and the next attempt never started (the run timed out).
            time.Advance(s.Delay);
        };

        await Assert.ThrowsAsync<ChatClientClosedException>(() => client.ConnectAsync().Within());
        Assert.Equal([1, 2, 3, 4, 5], connectsAtEvent);
        var policy = new ReconnectDelayPolicy(reconnect);
        var random = new Random(99);
        Assert.Equal(Enumerable.Range(1, 5).Select(a => policy.NextDelay(a, random)), scheduled.Select(s => s.Delay));
        Assert.Equal([1, 2, 3, 4, 5], scheduled.Select(s => s.Attempt));
        Assert.Equal(6, server.ConnectCount);
        Assert.Contains("gave up", client.CloseReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http503WithRetryAfter_WaitsAtLeastTheHint()
    {
        var time = Clock();
        var rejections = 0;
        var server = new FakeChatServer(time) { RejectConnect = _ => Interlocked.Increment(ref rejections) == 1 ? new ConnectRejectedException(503, TimeSpan.FromSeconds(7)) : null };
        await using var client = Create(server, time);
        var scheduled = new ConcurrentQueue<ReconnectScheduled>();
        client.OnReconnectScheduled += scheduled.Enqueue;
        var connect = client.ConnectAsync();
        await EventuallyAsync(() => scheduled.Count == 1, "scheduled");
        Assert.InRange(scheduled.Single().Delay, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(10.5));
        Assert.Equal(CloseCodes.Overloaded, scheduled.Single().CloseCode);
        time.Advance(scheduled.Single().Delay);
        await connect.Within();
        Assert.Equal(2, server.ConnectCount);
    }

    [Fact]
    public async Task NetworkReturn_ReconnectsAtOnce()
    {
        var time = Clock();
        var failing = true;
        var server = new FakeChatServer(time) { RejectConnect = _ => Volatile.Read(ref failing) ? new IOException("no route") : null };
        var network = new FakeNetworkStatus();
        await using var client = Create(server, time, Options(reconnect: ReconnectOptions.Default with { DelayBase = TimeSpan.FromSeconds(20) }), network: network);
        var scheduled = new ConcurrentQueue<ReconnectScheduled>();
        client.OnReconnectScheduled += scheduled.Enqueue;
        var connect = client.ConnectAsync();
        await EventuallyAsync(() => scheduled.Count == 1, "first retry scheduled");
        Assert.True(scheduled.Single().Delay >= TimeSpan.FromSeconds(10));
        Volatile.Write(ref failing, false);
        network.Set(true);
        await connect.Within();
        Assert.Equal(2, server.ConnectCount);
    }

    [Fact]
    public async Task Messages_StreamYieldsInOrderAndStateStreamEndsOnClose()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        server.Rooms["room"] = [.. Enumerable.Range(1, 3).Select(i => Session.RoomSequencerTests.Msg(i, room: "room"))];
        var client = Create(server, time);
        var stream = client.Messages.GetAsyncEnumerator();
        var states = client.StateChanges().GetAsyncEnumerator();
        await client.ConnectAsync().Within();
        await client.JoinAsync("room").Within();
        var got = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await stream.MoveNextAsync().AsTask().Within());
            got.Add(stream.Current.Seq);
        }

        Assert.Equal([1L, 2L, 3L], got);
        await client.DisposeAsync();
        Assert.False(await stream.MoveNextAsync().AsTask().Within());
        var seenStates = new List<ConnectionState>();
        while (await states.MoveNextAsync().AsTask().Within())
        {
            seenStates.Add(states.Current);
        }

        Assert.Equal(ConnectionState.Closed, seenStates[^1]);
    }

    [Fact]
    public async Task Send_InvalidInput_IsRefusedBeforeGettingASeq()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        await using var client = Create(server, time);
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync("Bad Room", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync("room", new string('x', 70_000)));
        var ok = await client.SendAsync("room", "fine");
        Assert.Equal(1, ok.Seq);
    }

    [Fact]
    public async Task Outbox_AtCapacity_RefusesNewSends()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        await using var client = Create(server, time, Options() with { OutboxCapacity = 2 });
        await client.SendAsync("room", "a");
        await client.SendAsync("room", "b");
        await Assert.ThrowsAsync<OutboxFullException>(() => client.SendAsync("room", "c"));
        Assert.Equal(2, client.PendingSends.Count);
    }

    [Fact]
    public async Task AckTimeout_ReconnectsAndResends()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { HeartbeatMs = 1000 };
        var dropped = 0;
        server.SendScript = (_, _) => Interlocked.Increment(ref dropped) == 1 ? SendAction.DropSilently : SendAction.Process;
        await using var client = Create(server, time, Options() with { AckTimeoutMultiplier = 1 });
        await client.ConnectAsync().Within();
        var handle = await client.SendAsync("room", "lost once");
        await EventuallyAsync(() => server.Received.OfType<SendFrame>().Any(), "first send");

        // Ack timeout (1 × 1 s) fires before heartbeat silence (2 × 1 s).
        time.Advance(TimeSpan.FromMilliseconds(1600));
        await EventuallyAsync(() => server.ConnectCount == 2, "reconnect after ack timeout");
        var result = await handle.Completion.Within();
        Assert.Equal(1, result.RoomSeq);
        Assert.Equal(2, server.Received.OfType<SendFrame>().Count(f => f.Seq == 1));
    }

    [Fact]
    public async Task ReorderSendsBug_PutsSeqsOutOfOrderOnTheWire()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        await using var client = Create(server, time, Options() with { Bugs = new ClientBugSwitches { ReorderSends = true } });
        var first = await client.SendAsync("room", "a");
        var second = await client.SendAsync("room", "b");
        await client.ConnectAsync().Within();
        await EventuallyAsync(() => server.Received.OfType<SendFrame>().Count() >= 2, "two sends");
        Assert.Equal([2L, 1L], server.Received.OfType<SendFrame>().Take(2).Select(f => f.Seq));
    }

    [Fact]
    public async Task Metrics_CountReconnectsAndOutboxDepth()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        using var meters = new TestMeterFactory();
        var reconnects = 0L;
        var depth = 0L;
        var depthIncrements = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ChatResilience.Client" && meters.Created.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "chat.client.reconnects")
            {
                Interlocked.Add(ref reconnects, value);
            }
            else if (instrument.Name == "chat.client.outbox.depth")
            {
                Interlocked.Add(ref depth, value);
                if (value > 0)
                {
                    Interlocked.Increment(ref depthIncrements);
                }
            }
        });
        listener.Start();
        await using var client = new ChatClient(Options(), _ => ValueTask.FromResult("t"), new InMemoryOutboxStore(), server, time, new Random(1), meterFactory: meters);
        await client.ConnectAsync().Within();
        var handle = await client.SendAsync("room", "x");
        await handle.Completion.Within();
        Assert.Equal(1, Interlocked.Read(ref depthIncrements));
        await EventuallyAsync(() => Interlocked.Read(ref depth) == 0, "depth back to 0");
        await server.DropAllAsync();
        await EventuallyAsync(() => Interlocked.Read(ref reconnects) == 1 && client.State == ConnectionState.Connected, "one reconnect");
    }

    [Fact]
    public async Task SentAt_IsCorrectedByTheMeasuredServerOffset()
    {
        var time = Clock();
        var server = new FakeChatServer(time) { ClockSkewMs = -90_000 };
        await using var client = Create(server, time);
        await client.ConnectAsync().Within();
        Assert.Equal(TimeSpan.FromSeconds(-90), client.ServerClockOffset);
        var handle = await client.SendAsync("room", "x");
        await handle.Completion.Within();
        var sent = server.Received.OfType<SendFrame>().Single();
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds() - 90_000, sent.SentAt);
    }

    [Fact]
    public async Task Leave_ForgetsTheCursorAndIsNotResumed()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        var store = new InMemoryOutboxStore();
        await using var client = Create(server, time, store: store);
        var left = new TaskCompletionSource<RoomLeft>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnLeft += l => left.TrySetResult(l);
        await client.ConnectAsync().Within();
        await client.JoinAsync("room").Within();
        await client.LeaveAsync("room").Within();
        Assert.Equal(LeftCodes.Left, (await left.Task.Within()).Code);
        Assert.Empty(client.Rooms);
        Assert.Empty((await store.LoadAsync()).Cursors);
        await server.DropAllAsync();
        await EventuallyAsync(() => server.Received.OfType<HelloFrame>().Count() == 2, "second hello");
        Assert.Null(server.Received.OfType<HelloFrame>().Last().Rooms);
    }

    [Fact]
    public async Task Dispose_Twice_IsHarmlessAndFailsPendingHandles()
    {
        var time = Clock();
        var server = new FakeChatServer(time);
        var client = Create(server, time);
        var pending = await client.SendAsync("room", "never sent");
        await client.DisposeAsync();
        await client.DisposeAsync();
        Assert.Equal(ConnectionState.Closed, client.State);
        await Assert.ThrowsAsync<ChatClientClosedException>(() => pending.Completion.Within());
    }

    private static IOutboxStore GetStore(ChatClient client) =>
        (IOutboxStore)typeof(ChatClient).GetField("_store", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(client)!;
}
