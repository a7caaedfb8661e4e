using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class PerSenderOrderTests
{
    [Fact]
    public void Check_SenderOrderKeptAcrossRooms_Passes()
    {
        var h = new HistoryBuilder().Post(10, "a", 1, "r1", 1, "b").Post(20, "a", 2, "r2", 1, "b").Post(30, "a", 3, "r1", 2, "b").Build();

        var r = new PerSenderOrder().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(6, r.Samples); // 3 acks + 3 stored messages
    }

    [Fact]
    public void Check_LaterSeqStoredLowerInRoom_FailsNamingRoomSeqAndSender()
    {
        var h = new HistoryBuilder()
            .Deliver(10, "b", "r1", 1, "a-2", "a", 2, serverAt: 5)
            .Deliver(11, "b", "r1", 2, "a-1", "a", 1, serverAt: 5).Build();

        var v = Assert.Single(new PerSenderOrder().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("r1", 1L, "a", "a-2"), (v.Room, v.Seq, v.ClientId, v.MessageId));
    }

    [Fact]
    public void Check_LaterSeqAcceptedEarlierInOtherRoom_Fails()
    {
        var h = new HistoryBuilder()
            .Deliver(10, "b", "r1", 1, "a-1", "a", 1, serverAt: 9)
            .Deliver(11, "b", "r2", 1, "a-2", "a", 2, serverAt: 4).Build();

        var v = Assert.Single(new PerSenderOrder().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("r2", "a-2"), (v.Room, v.MessageId));
    }

    [Fact]
    public void Check_AcksSurfacedOutOfSeqOrder_Fails()
    {
        var h = new HistoryBuilder().Ack(10, "a", "a-2", 2, "r1", 2).Ack(11, "a", "a-1", 1, "r1", 1).Build();

        var v = Assert.Single(new PerSenderOrder().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("a", "a-1", 11L), (v.ClientId, v.MessageId, v.AtMs));
    }

    [Fact]
    public void Check_DupAckOfAlreadyAckedSeq_IsIgnored()
    {
        var h = new HistoryBuilder().Ack(10, "a", "a-1", 1, "r1", 1).Ack(11, "a", "a-2", 2, "r1", 2)
            .Ack(12, "a", "a-1", 1, "r1", 1, dup: true).Build();

        Assert.Empty(new PerSenderOrder().Check(h, HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_TooFewMessages_IsInconclusive()
    {
        var ctx = HistoryBuilder.Context(new() { [nameof(PerSenderOrder)] = 100 });

        Assert.Equal(InvariantStatus.Inconclusive, new PerSenderOrder().Check(new HistoryBuilder().Post(1, "a", 1, "r", 1, "a").Build(), ctx).Status);
    }
}
