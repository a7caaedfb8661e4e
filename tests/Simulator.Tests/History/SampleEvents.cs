using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Tests.History;

internal static class SampleEvents
{
    /// <summary>One event of every type, with optional fields set.</summary>
    public static HistoryEvent[] OfEveryType() =>
    [
        new ConnectAttemptEvent { AtMs = 1, Worker = 2, ClientId = "c1", Outcome = "rejected:503", HintMs = 500, StartedAtMs = 0 },
        new ConnectionClosedEvent { AtMs = 2, ClientId = "c1", Code = 1001, Reason = "{\"retryAfterMs\": 100}", ByPeer = true, HintMs = 100 },
        new SendAcceptedEvent { AtMs = 3, ClientId = "c1", UserId = "u1", MessageId = "m1", Seq = 1, Room = "r1", IntendedAtMs = 2, Offline = true },
        new SendRefusedEvent { AtMs = 4, ClientId = "c1", Room = "r1", Reason = "outbox full" },
        new AckedEvent { AtMs = 5, ClientId = "c1", MessageId = "m1", Seq = 1, Room = "r1", RoomSeq = 7, Dup = true },
        new FailedEvent { AtMs = 6, ClientId = "c1", MessageId = "m2", Seq = 2, Code = "expired", Reason = "too old" },
        new WireNackEvent { AtMs = 7, ClientId = "c1", MessageId = "m2", Seq = 2, Code = "expired", Retryable = false },
        new DeliveredEvent
        {
            AtMs = 8, ClientId = "c2", Room = "r1", Epoch = 3, RoomSeq = 7, MessageId = "m1", SenderClientId = "c1",
            SenderUserId = "u1", SenderSeq = 1, ServerAtMs = 4, ReplyToSeq = 6,
        },
        new JoinedEvent { AtMs = 9, ClientId = "c2", Room = "r1", Epoch = 3, Head = 9, From = 5, Recovered = false, GapFrom = 2, GapTo = 4, Reset = true },
        new LeftEvent { AtMs = 10, ClientId = "c2", Room = "r1", Code = "removed" },
        new MembershipEvent { AtMs = 11, ClientId = "c2", UserId = "u2", Room = "r1", Member = true },
        new FaultEvent { AtMs = 12, Action = "applied", FaultId = "f1", Description = "latency p1 downstream 100ms" },
        new HarnessEvent { AtMs = 13, Kind = HarnessEventKinds.ClientCrash, ClientId = "c2", UserId = "u2", Room = "r1", Detail = "kill" },
    ];
}
