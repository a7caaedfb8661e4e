using ChatResilience.Protocol.Frames;
using CsCheck;

namespace ChatResilience.Protocol.Tests.Codec;

/// <summary>CsCheck generators of valid frames of every type, within PROTOCOL.md §2.</summary>
internal static class FrameGen
{
    private const string IdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
    private const string RoomFirst = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string RoomRest = RoomFirst + "._:-";

    public static readonly Gen<long> Integer = Gen.Frequency(
        (3, (IGen<long>)Gen.Long[0, 1000]),
        (2, Gen.Long[0, ProtocolConstants.MaxSafeInteger]),
        (1, Gen.OneOf(Gen.Const(0L), Gen.Const(ProtocolConstants.MaxSafeInteger))));

    public static readonly Gen<long?> OptionalInteger = Gen.Nullable(Integer, 0.4);

    public static readonly Gen<string> Id = Gen.Char[IdChars].Array[1, 64].Select(a => new string(a));

    public static readonly Gen<string?> OptionalId = Gen.Null(Id, 0.4);

    public static readonly Gen<string> Room = Gen.Select(Gen.Char[RoomFirst], Gen.Char[RoomRest].Array[0, 127], (f, r) => f + new string(r));

    // Any text without lone surrogates (which no UTF-8 frame can carry), sometimes with an emoji pair.
    public static readonly Gen<string> Text = Gen.Select(Gen.Char['\u0000', '\uD7FF'].Array[0, 120], Gen.Bool, (a, emoji) => new string(a) + (emoji ? "😀" : ""));

    public static readonly Gen<IReadOnlyDictionary<string, string>?> Meta = Gen.Null(
        Gen.Select(Gen.Char[IdChars].Array[1, 64].Select(a => new string(a)), Gen.Char['\u0020', '\uD7FF'].Array[0, 256].Select(a => new string(a)))
            .Array[0, 16]
            .Select(pairs => (IReadOnlyDictionary<string, string>)pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2)),
        0.5);

    public static readonly Gen<MsgFrame> Msg = Gen.Select(
        Room, Integer, Integer.Where(s => s >= 0), Id, Id, Id, Integer, Text, Integer, Integer, Integer, Meta,
        (room, epoch, seq, id, from, clientId, clientSeq, body, sentAt, basis, at, meta) => new MsgFrame
        {
            Room = room, Epoch = epoch, Seq = seq, Id = id, From = from, ClientId = clientId, ClientSeq = clientSeq,
            Body = body, SentAt = sentAt, Basis = basis, At = at, Meta = meta,
        });

    public static readonly Gen<Frame> Any = Gen.OneOf<Frame>(
        Gen.Select(Id, Gen.Null(Id, 0.5), Gen.Null(Gen.OneOf(Gen.Const("zstd"), Gen.Const("deflate"), Gen.Const("brotli"), Gen.Const("lz4")).Array[0, 4], 0.5),
            Gen.Null(Gen.Select(Room, Integer, Integer, (r, e, a) => new RoomCursor { Room = r, Epoch = e, After = a }).Array[0, 5], 0.5), OptionalId,
            (c, t, codecs, rooms, rid) => (Frame)new HelloFrame { ClientId = c, Token = t, Codecs = codecs, Rooms = rooms, Rid = rid }),
        Gen.Select(Room, OptionalInteger, OptionalInteger, OptionalId, (r, e, a, rid) => (Frame)new JoinFrame { Room = r, Epoch = e, After = a, Rid = rid }),
        Gen.Select(Room, OptionalId, (r, rid) => (Frame)new LeaveFrame { Room = r, Rid = rid }),
        Gen.Select(Id, Gen.Long[1, ProtocolConstants.MaxSafeInteger], Room, Text, Integer, Integer, Meta,
            (id, seq, room, body, sentAt, basis, meta) => (Frame)new SendFrame { Id = id, Seq = seq, Room = room, Body = body, SentAt = sentAt, Basis = basis, Meta = meta }),
        Integer.Select(s => (Frame)new CancelFrame { Seq = s }),
        Gen.Select(Room, Integer, Gen.Int[1, 500], OptionalId, (r, a, l, rid) => (Frame)new HistoryFrame { Room = r, After = a, Limit = l, Rid = rid }),
        Gen.Select(Room, Integer, OptionalId, (r, s, rid) => (Frame)new ReadFrame { Room = r, Seq = s, Rid = rid }),
        Gen.Select(Id, OptionalId, (t, rid) => (Frame)new AuthFrame { Token = t, Rid = rid }),
        Integer.Select(t => (Frame)new PingFrame { Ts = t }),
        Integer.Select(t => (Frame)new PongFrame { Ts = t }),
        Gen.Select(Id, Id, Integer, Integer, Gen.Int[0, 1 << 24], Gen.Int[0, 1 << 20], Gen.Int[1, 5000].Select(p => p / 10.0), Integer,
            (s, u, st, hb, mf, mb, ps, ret) => (Frame)new WelcomeFrame
            {
                SessionId = s, UserId = u, ServerTime = st, HeartbeatMs = hb, MaxFrameBytes = mf, MaxBodyBytes = mb, Codecs = ["zstd"],
                MaxInFlight = 64, RateLimit = new RateLimitInfo { PerSecond = ps, Burst = 10 }, Retention = new RetentionInfo { Messages = ret, AgeMs = ret },
                MaxOfflineAgeMs = ret, HistoryMaxLimit = 500,
            }),
        Gen.Select(Room, Integer, Integer, Integer, Gen.Bool, Gen.Null(Gen.Select(Integer, Integer, (f, t) => new SeqGap { From = f, To = t }), 0.5), Gen.Nullable(Gen.Bool, 0.5), OptionalInteger,
            (r, e, h, f, rec, gap, reset, read) => (Frame)new JoinedFrame { Room = r, Epoch = e, Head = h, From = f, Recovered = rec, Gap = gap, Reset = reset, Read = read }),
        Gen.Select(Room, Gen.OneOf(Gen.Const(LeftCodes.Left), Gen.Const(LeftCodes.Removed), Gen.Const(LeftCodes.RoomDeleted)), OptionalId, (r, c, rid) => (Frame)new LeftFrame { Room = r, Code = c, Rid = rid }),
        Msg.Select(m => (Frame)m),
        Gen.Select(Id, Integer, Room, OptionalInteger, Gen.Bool, (id, s, r, rs, dup) => (Frame)new AckFrame { Id = id, Seq = s, Room = r, RoomSeq = rs, Dup = dup }),
        Gen.Select(Id, Integer, Gen.OneOf(Gen.Const(ErrorCodes.RateLimited), Gen.Const(ErrorCodes.Forbidden), Gen.Const(ErrorCodes.OutOfOrder)), Text, Gen.Bool, OptionalInteger, OptionalInteger,
            (id, s, c, reason, retry, ra, es) => (Frame)new NackFrame { Id = id, Seq = s, Code = c, Reason = reason, Retryable = retry, RetryAfterMs = ra, ExpectedSeq = es }),
        Gen.Select(Room, Msg.Array[0, 5], Integer, Gen.Bool, OptionalId, (r, msgs, h, more, rid) => (Frame)new PageFrame { Room = r, Msgs = msgs, Head = h, More = more, Rid = rid }),
        Gen.Select(Integer, OptionalId, (e, rid) => (Frame)new AuthedFrame { Exp = e, Rid = rid }),
        Gen.Select(Gen.OneOf(Gen.Const(ErrorCodes.InvalidFrame), Gen.Const(ErrorCodes.NoSuchRoom)), Text, Gen.Null(Id, 0.5), (c, m, r) => (Frame)new ErrorFrame { Code = c, Message = m, Ref = r }));
}
