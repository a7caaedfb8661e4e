using System.Collections.Concurrent;
using ChatResilience.Client.Transport;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Compression;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Client.Tests.EndToEnd;

/// <summary>What the scripted server does with one incoming send (after counting it).</summary>
public enum SendAction
{
    Process,
    DropSilently,
    AbortConnection,
}

/// <summary>
/// A small scripted server over in-memory connections: enough of PROTOCOL.md (dedup by seq, in-order
/// settlement with out_of_order, rooms with replay, history, auth) to test the client end to end, with
/// hooks to inject the faults a test needs. Not the real server (built elsewhere).
/// </summary>
public sealed class FakeChatServer : IFrameConnectionFactory
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<Conn> _live = [];
    private readonly Dictionary<string, ClientRecord> _clients = [];
    private int _sendsSeen;

    public FakeChatServer(TimeProvider time) => Time = time;

    public TimeProvider Time { get; }

    public long HeartbeatMs { get; set; }

    public int MaxInFlight { get; set; } = 16;

    /// <summary>How far the server's clock is ahead of the (shared) test clock.</summary>
    public long ClockSkewMs { get; set; }

    public Dictionary<string, List<MsgFrame>> Rooms { get; } = [];

    /// <summary>Seqs at or below this per room are past retention (served as a gap).</summary>
    public Dictionary<string, long> TrimmedThrough { get; } = [];

    public HashSet<string> DeletedRooms { get; } = [];

    public ConcurrentQueue<Frame> Received { get; } = new();

    public ConcurrentQueue<string?> TokensSeen { get; } = new();

    public int ConnectCount => TokensSeen.Count;

    /// <summary>Called per connection attempt with the token; a returned exception is thrown instead of connecting.</summary>
    public Func<string?, Exception?>? RejectConnect { get; set; }

    /// <summary>Called with the global 1-based count of sends seen.</summary>
    public Func<SendFrame, int, SendAction>? SendScript { get; set; }

    /// <summary>Called for a hello; a non-null (code, reason) closes the connection instead of welcoming.</summary>
    public Func<HelloFrame, (int Code, string Reason)?>? HelloScript { get; set; }

    /// <summary>When set, the first out-of-order send of a client is nacked this way (else out_of_order).</summary>
    public bool ActLikeRateLimited { get; set; }

    public TaskCompletionSource<HelloFrame> FirstHello { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<IFrameConnection> ConnectAsync(Uri uri, string? bearerToken, CancellationToken cancellationToken)
    {
        TokensSeen.Enqueue(bearerToken);
        if (RejectConnect?.Invoke(bearerToken) is { } error)
        {
            throw error;
        }

        var (client, server) = InMemoryFrameConnection.CreatePair();
        var conn = new Conn(this, server);
        _ = Task.Run(conn.RunAsync, CancellationToken.None);
        await Task.Yield();
        return client;
    }

    /// <summary>Stored messages of a room, in order.</summary>
    public List<MsgFrame> Stored(string room)
    {
        _lock.Wait();
        try
        {
            return Rooms.TryGetValue(room, out var list) ? [.. list] : [];
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Adds messages to a room's log without broadcasting them (the test pushes what it wants).</summary>
    public void AppendStored(string room, params MsgFrame[] messages)
    {
        _lock.Wait();
        try
        {
            var log = Rooms.TryGetValue(room, out var l) ? l : Rooms[room] = [];
            log.AddRange(messages);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Closes every live connection with a code (or aborts with 1006 when code is null).</summary>
    public async Task DropAllAsync(int? code = null, string? reason = null)
    {
        List<Conn> live;
        await _lock.WaitAsync();
        try
        {
            live = [.. _live];
        }
        finally
        {
            _lock.Release();
        }

        foreach (var c in live)
        {
            if (code is { } cc)
            {
                await c.Connection.CloseAsync(cc, reason);
            }
            else
            {
                c.Connection.Abort();
            }
        }
    }

    /// <summary>Sends a frame to every live connection.</summary>
    public async Task PushAsync(Frame frame)
    {
        await _lock.WaitAsync();
        try
        {
            foreach (var c in _live)
            {
                await c.SendAsync(frame);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private sealed class ClientRecord
    {
        public long Mark;
        public bool OutOfOrderSent;
        public Dictionary<long, Frame> Outcomes { get; } = [];
        public Dictionary<long, string> Ids { get; } = [];
    }

    private sealed class Conn(FakeChatServer server, InMemoryFrameConnection connection)
    {
        private readonly FrameTranscoder _transcoder = new(FrameLimits.Default, CompressionPolicy.Off);
        private readonly HashSet<string> _rooms = [];
        private string _clientId = "";

        public InMemoryFrameConnection Connection { get; } = connection;

        public ValueTask SendAsync(Frame frame) => SendQuietly(frame);

        public async Task RunAsync()
        {
            try
            {
                while (await Connection.ReceiveAsync() is { } message)
                {
                    var frame = _transcoder.Decode(message);
                    server.Received.Enqueue(frame);
                    await server._lock.WaitAsync();
                    try
                    {
                        if (!await HandleAsync(frame))
                        {
                            return;
                        }
                    }
                    finally
                    {
                        server._lock.Release();
                    }
                }
            }
            finally
            {
                await server._lock.WaitAsync();
                server._live.Remove(this);
                server._lock.Release();
            }
        }

        private async ValueTask SendQuietly(Frame frame)
        {
            try
            {
                await Connection.SendAsync(_transcoder.Encode(frame));
            }
            catch (ConnectionClosedException)
            {
            }
        }

        private async Task<bool> HandleAsync(Frame frame)
        {
            switch (frame)
            {
                case HelloFrame hello:
                    server.FirstHello.TrySetResult(hello);
                    if (server.HelloScript?.Invoke(hello) is { } close)
                    {
                        await Connection.CloseAsync(close.Code, close.Reason);
                        return false;
                    }

                    foreach (var old in server._live.Where(c => c._clientId == hello.ClientId).ToList())
                    {
                        await old.Connection.CloseAsync(CloseCodes.Superseded, "superseded");
                        server._live.Remove(old);
                    }

                    _clientId = hello.ClientId;
                    server._live.Add(this);
                    await SendAsync(new WelcomeFrame
                    {
                        SessionId = "s" + server.ConnectCount,
                        UserId = "u1",
                        ServerTime = server.Time.GetUtcNow().ToUnixTimeMilliseconds() + server.ClockSkewMs,
                        HeartbeatMs = server.HeartbeatMs,
                        MaxFrameBytes = FrameLimits.DefaultMaxFrameBytes,
                        MaxBodyBytes = FrameLimits.DefaultMaxBodyBytes,
                        MaxInFlight = server.MaxInFlight,
                        HistoryMaxLimit = 500,
                    });
                    foreach (var r in hello.Rooms ?? [])
                    {
                        await JoinAsync(r.Room, r.Epoch, r.After, null);
                    }

                    return true;
                case JoinFrame join:
                    await JoinAsync(join.Room, join.Epoch, join.After, join.Rid);
                    return true;
                case SendFrame send:
                    var n = ++server._sendsSeen;
                    switch (server.SendScript?.Invoke(send, n) ?? SendAction.Process)
                    {
                        case SendAction.DropSilently:
                            return true;
                        case SendAction.AbortConnection:
                            Connection.Abort();
                            return false;
                    }

                    await SettleAsync(send.Seq, send.Id, send);
                    return true;
                case CancelFrame cancel:
                    await SettleAsync(cancel.Seq, "", null);
                    return true;
                case HistoryFrame history:
                    var all = server.Rooms.GetValueOrDefault(history.Room) ?? [];
                    var trimmed = server.TrimmedThrough.GetValueOrDefault(history.Room);
                    var page = all.Where(m => m.Seq > history.After && m.Seq > trimmed).Take(history.Limit).ToList();
                    await SendAsync(new PageFrame
                    {
                        Room = history.Room,
                        Msgs = page,
                        Head = all.Count,
                        More = page.Count > 0 && page[^1].Seq < all.Count,
                        Rid = history.Rid,
                    });
                    return true;
                case LeaveFrame leave:
                    _rooms.Remove(leave.Room);
                    await SendAsync(new LeftFrame { Room = leave.Room, Code = LeftCodes.Left, Rid = leave.Rid });
                    return true;
                case AuthFrame:
                    await SendAsync(new AuthedFrame { Exp = server.Time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds() });
                    return true;
                default:
                    return true;
            }
        }

        private async Task JoinAsync(string room, long? epoch, long? after, string? rid)
        {
            _rooms.Add(room);
            var log = server.Rooms.TryGetValue(room, out var l) ? l : server.Rooms[room] = [];
            var head = (long)log.Count;
            var replay = log.ToList();
            var reset = epoch is { } e && e != 1;
            var from = (reset ? 0 : after ?? 0) + 1;
            var trimmed = server.TrimmedThrough.GetValueOrDefault(room);
            SeqGap? gap = null;
            if (from <= trimmed)
            {
                gap = new SeqGap { From = from, To = trimmed };
                from = trimmed + 1;
            }

            await SendAsync(new JoinedFrame
            {
                Room = room,
                Epoch = 1,
                Head = head,
                From = from,
                Recovered = gap is null,
                Gap = gap,
                Reset = reset ? true : null,
                Rid = rid,
            });
            foreach (var m in replay.Where(m => m.Seq >= from))
            {
                await SendAsync(m);
            }
        }

        private async Task SettleAsync(long seq, string id, SendFrame? send)
        {
            if (!server._clients.TryGetValue(_clientId, out var client))
            {
                client = server._clients[_clientId] = new ClientRecord();
            }

            if (seq <= client.Mark)
            {
                var outcome = client.Outcomes[seq];
                if (client.Ids[seq] != id && id.Length > 0)
                {
                    await SendAsync(new NackFrame { Id = id, Seq = seq, Code = ErrorCodes.Conflict, Reason = "seq reused" });
                }
                else
                {
                    await SendAsync(outcome is AckFrame ack ? ack with { Dup = true } : outcome);
                }

                return;
            }

            if (seq != client.Mark + 1)
            {
                if (!client.OutOfOrderSent)
                {
                    client.OutOfOrderSent = true;
                    await SendAsync(server.ActLikeRateLimited
                        ? new NackFrame { Id = id, Seq = seq, Code = ErrorCodes.RateLimited, Reason = "slow down", Retryable = true, RetryAfterMs = 500, ExpectedSeq = client.Mark + 1 }
                        : new NackFrame { Id = id, Seq = seq, Code = ErrorCodes.OutOfOrder, Reason = "early", Retryable = true, ExpectedSeq = client.Mark + 1 });
                }

                return;
            }

            client.OutOfOrderSent = false;
            client.Mark = seq;
            client.Ids[seq] = id;
            Frame result;
            if (send is null)
            {
                result = new NackFrame { Id = id, Seq = seq, Code = ErrorCodes.Expired, Reason = "cancelled" };
            }
            else if (server.DeletedRooms.Contains(send.Room))
            {
                result = new NackFrame { Id = id, Seq = seq, Code = ErrorCodes.NoSuchRoom, Reason = "room deleted" };
            }
            else
            {
                var log = server.Rooms.TryGetValue(send.Room, out var l) ? l : server.Rooms[send.Room] = [];
                var msg = new MsgFrame
                {
                    Room = send.Room,
                    Epoch = 1,
                    Seq = log.Count + 1,
                    Id = send.Id,
                    From = "u1",
                    ClientId = _clientId,
                    ClientSeq = seq,
                    Body = send.Body,
                    SentAt = send.SentAt,
                    Basis = send.Basis,
                    At = server.Time.GetUtcNow().ToUnixTimeMilliseconds(),
                };
                log.Add(msg);
                result = new AckFrame { Id = id, Seq = seq, Room = send.Room, RoomSeq = msg.Seq };
                foreach (var c in server._live.Where(c => c._rooms.Contains(send.Room)))
                {
                    await c.SendAsync(msg);
                }
            }

            client.Outcomes[seq] = result;
            await SendAsync(result);
        }
    }
}
