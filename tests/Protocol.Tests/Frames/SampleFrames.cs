using ChatResilience.Protocol.Frames;

namespace ChatResilience.Protocol.Tests.Frames;

/// <summary>
/// One frame of every type twice: with every optional (nullable) field set, and with every one unset.
/// FrameShapeTests checks that the two variants really are "all set" and "all unset".
/// </summary>
internal static class SampleFrames
{
    private static readonly MsgFrame Msg = new()
    {
        Room = "lobby", Epoch = 2, Seq = 121, Id = "m-1", From = "alice", ClientId = "c-1", ClientSeq = 7,
        Body = "héllo \"wörld\" 😀\n", SentAt = 1_764_000_000_000, Basis = 120, At = 1_764_000_000_050,
        Meta = new Dictionary<string, string> { ["reply-to"] = "m-0", ["lang"] = "fr" },
    };

    public static IEnumerable<(string Name, Frame Frame)> Full()
    {
        yield return ("hello", new HelloFrame
        {
            ClientId = "app:c-1", Token = "a.b.c", Codecs = ["zstd", "deflate"],
            Rooms = [new RoomCursor { Room = "lobby", Epoch = 1, After = 42 }], Rid = "r1",
        });
        yield return ("join", new JoinFrame { Room = "lobby", Epoch = 3, After = ProtocolConstants.MaxSafeInteger, Rid = "r2" });
        yield return ("leave", new LeaveFrame { Room = "lobby", Rid = "r3" });
        yield return ("send", new SendFrame
        {
            Id = "m-1", Seq = 1, Room = "lobby", Body = "hi <b>", SentAt = 1, Basis = 5,
            Meta = new Dictionary<string, string> { ["k"] = "v" },
        });
        yield return ("cancel", new CancelFrame { Seq = 9 });
        yield return ("history", new HistoryFrame { Room = "lobby", After = 10, Limit = 50, Rid = "h1" });
        yield return ("read", new ReadFrame { Room = "lobby", Seq = 12, Rid = "rd" });
        yield return ("auth", new AuthFrame { Token = "x.y.z", Rid = "a1" });
        yield return ("ping", new PingFrame { Ts = 1_764_000_000_000 });
        yield return ("pong", new PongFrame { Ts = ProtocolConstants.MaxSafeInteger });
        yield return ("welcome", new WelcomeFrame
        {
            SessionId = "s-1", UserId = "alice", ServerTime = 1_764_000_000_000, HeartbeatMs = 5000,
            MaxFrameBytes = 1 << 20, MaxBodyBytes = 1 << 16, Codecs = ["zstd"], MaxInFlight = 64,
            RateLimit = new RateLimitInfo { PerSecond = 20.5, Burst = 40 },
            Retention = new RetentionInfo { Messages = 100_000, AgeMs = 604_800_000 },
            MaxOfflineAgeMs = 86_400_000, HistoryMaxLimit = 500,
        });
        yield return ("joined", new JoinedFrame
        {
            Room = "lobby", Epoch = 4, Head = 500, From = 1, Recovered = false,
            Gap = new SeqGap { From = 1, To = 399 }, Reset = true, Read = 450, Rid = "r2",
        });
        yield return ("left", new LeftFrame { Room = "lobby", Code = LeftCodes.Removed, Rid = "r4" });
        yield return ("msg", Msg);
        yield return ("ack", new AckFrame { Id = "m-1", Seq = 1, Room = "lobby", RoomSeq = 121, Dup = true });
        yield return ("nack", new NackFrame
        {
            Id = "m-7", Seq = 7, Code = ErrorCodes.OutOfOrder, Reason = "expected 6", Retryable = true,
            RetryAfterMs = 250, ExpectedSeq = 6,
        });
        yield return ("page", new PageFrame { Room = "lobby", Msgs = [Msg, Msg with { Seq = 122, Meta = null }], Head = 122, More = true, Rid = "h1" });
        yield return ("authed", new AuthedFrame { Exp = 1_764_003_600_000, Rid = "a1" });
        yield return ("error", new ErrorFrame { Code = ErrorCodes.NoSuchRoom, Message = "no room", Ref = "r9" });
    }

    public static IEnumerable<(string Name, Frame Frame)> Minimal()
    {
        yield return ("hello", new HelloFrame { ClientId = "c-1" });
        yield return ("join", new JoinFrame { Room = "lobby" });
        yield return ("leave", new LeaveFrame { Room = "lobby" });
        yield return ("send", new SendFrame { Id = "m-1", Seq = 1, Room = "lobby", Body = "", SentAt = 0 });
        yield return ("cancel", new CancelFrame { Seq = 0 });
        yield return ("history", new HistoryFrame { Room = "lobby", Limit = 1 });
        yield return ("read", new ReadFrame { Room = "lobby", Seq = 0 });
        yield return ("auth", new AuthFrame { Token = "t" });
        yield return ("ping", new PingFrame());
        yield return ("pong", new PongFrame());
        yield return ("welcome", new WelcomeFrame { SessionId = "s", UserId = "u" });
        yield return ("joined", new JoinedFrame { Room = "lobby" });
        yield return ("left", new LeftFrame { Room = "lobby", Code = LeftCodes.Left });
        yield return ("msg", Msg with { Meta = null });
        yield return ("ack", new AckFrame { Id = "m-1", Seq = 1, Room = "lobby" });
        yield return ("nack", new NackFrame { Id = "m-1", Seq = 1, Code = ErrorCodes.Forbidden });
        yield return ("page", new PageFrame { Room = "lobby" });
        yield return ("authed", new AuthedFrame());
        yield return ("error", new ErrorFrame { Code = ErrorCodes.InvalidFrame });
    }

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var (name, _) in Full())
        {
            data.Add(name, true);
            data.Add(name, false);
        }

        return data;
    }

    public static Frame Get(string name, bool full) =>
        (full ? Full() : Minimal()).Single(f => f.Name == name).Frame;
}
