using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

/// <summary>Builds hand-written histories tersely; <see cref="Post"/> makes a whole clean message exchange.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<HistoryEvent> _events = [];

    public static CheckContext Context(Dictionary<string, long>? minSamples = null) => new()
    {
        Reconnect = new ReconnectEnvelope
        {
            DelayBase = TimeSpan.FromMilliseconds(100),
            Multiplier = 2,
            DelayMax = TimeSpan.FromMilliseconds(1600),
            Jitter = 0.5,
            HealthyAfter = TimeSpan.FromSeconds(2),
        },
        SchedulingTolerance = TimeSpan.FromMilliseconds(20),
        OfflineReplayBound = TimeSpan.FromSeconds(5),
        ConvergenceBound = TimeSpan.FromSeconds(5),
        MinSamples = minSamples ?? new Dictionary<string, long>(),
    };

    /// <summary><see cref="Context"/> with a harness that measured itself late: one tick per (end, lateness), ms.</summary>
    public static CheckContext LaggingContext(params (long AtMs, long LagMs)[] ticks) => Context() with
    {
        HarnessLag = new HarnessLagTimeline(
            [new ProcessLagSamples("chatsim", [.. ticks.Select(t => new SchedulingLagSample(t.AtMs, t.LagMs))])], TimeSpan.FromMilliseconds(100)),
    };

    public IReadOnlyList<HistoryEvent> Events => _events;

    public HistoryBuilder Add(HistoryEvent e)
    {
        _events.Add(e);
        return this;
    }

    public HistoryBuilder Member(long at, string client, string room, bool member = true) =>
        Add(new MembershipEvent { AtMs = at, ClientId = client, UserId = "u-" + client, Room = room, Member = member });

    public HistoryBuilder Joined(long at, string client, string room, long epoch = 1, bool reset = false, long? gapFrom = null, long? gapTo = null) =>
        Add(new JoinedEvent
        {
            AtMs = at, ClientId = client, Room = room, Epoch = epoch, Reset = reset,
            Recovered = gapFrom is null, GapFrom = gapFrom, GapTo = gapTo,
        });

    public HistoryBuilder Accept(long at, string client, string id, long seq, string room, bool offline = false, long? intendedAt = null) =>
        Add(new SendAcceptedEvent
        {
            AtMs = at, ClientId = client, UserId = "u-" + client, MessageId = id, Seq = seq, Room = room,
            Offline = offline, IntendedAtMs = intendedAt ?? at,
        });

    public HistoryBuilder Ack(long at, string client, string id, long seq, string room, long? roomSeq, bool dup = false) =>
        Add(new AckedEvent { AtMs = at, ClientId = client, MessageId = id, Seq = seq, Room = room, RoomSeq = roomSeq, Dup = dup });

    public HistoryBuilder Fail(long at, string client, string id, long seq, string code) =>
        Add(new FailedEvent { AtMs = at, ClientId = client, MessageId = id, Seq = seq, Code = code });

    public HistoryBuilder Nack(long at, string client, string id, long seq, string code, bool retryable = false) =>
        Add(new WireNackEvent { AtMs = at, ClientId = client, MessageId = id, Seq = seq, Code = code, Retryable = retryable });

    public HistoryBuilder Deliver(
        long at, string reader, string room, long roomSeq, string id, string sender, long senderSeq,
        long epoch = 1, long? serverAt = null, string? senderUser = null, long? replyTo = null) =>
        Add(new DeliveredEvent
        {
            AtMs = at, ClientId = reader, Room = room, Epoch = epoch, RoomSeq = roomSeq, MessageId = id,
            SenderClientId = sender, SenderUserId = senderUser ?? "u-" + sender, SenderSeq = senderSeq,
            ServerAtMs = serverAt ?? at, ReplyToSeq = replyTo,
        });

    public HistoryBuilder Harness(long at, string kind, string? client = null, string? room = null) =>
        Add(new HarnessEvent { AtMs = at, Kind = kind, ClientId = client, Room = room });

    public HistoryBuilder Fault(long at, string action, string id = "f1") =>
        Add(new FaultEvent { AtMs = at, Action = action, FaultId = id, Description = "latency proxy=p1 latency=100" });

    public HistoryBuilder Attempt(long at, string client, string outcome = "connected", long? hint = null, long? startedAt = null) =>
        Add(new ConnectAttemptEvent { AtMs = at, ClientId = client, Outcome = outcome, HintMs = hint, StartedAtMs = startedAt });

    public HistoryBuilder Closed(long at, string client, bool byPeer = true, long? hint = null, int code = 1006) =>
        Add(new ConnectionClosedEvent { AtMs = at, ClientId = client, ByPeer = byPeer, HintMs = hint, Code = code });

    /// <summary>A clean send: accepted, acked with <paramref name="roomSeq"/>, delivered to every reader 5 ms later.</summary>
    public HistoryBuilder Post(long at, string sender, long seq, string room, long roomSeq, params string[] readers)
    {
        var id = $"{sender}-{seq}";
        Accept(at, sender, id, seq, room);
        Ack(at + 2, sender, id, seq, room, roomSeq);
        foreach (var reader in readers)
        {
            Deliver(at + 5, reader, room, roomSeq, id, sender, seq, serverAt: at + 1);
        }

        return this;
    }

    public RecordedHistory Build() => new(_events);
}
