using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class PerRoomTotalOrderTests
{
    [Fact]
    public void Check_SameContiguousOrderForEveryReader_Passes()
    {
        var h = new HistoryBuilder().Post(10, "a", 1, "r1", 1, "a", "b").Post(20, "b", 1, "r1", 2, "a", "b")
            .Post(30, "a", 2, "r1", 3, "a", "b").Build();

        var r = new PerRoomTotalOrder().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(6, r.Samples);
    }

    [Fact]
    public void Check_ReadersDisagreeOnSeq_FailsNamingRoomSeqAndReader()
    {
        var h = new HistoryBuilder().Deliver(10, "a", "r1", 1, "m1", "x", 1).Deliver(11, "b", "r1", 1, "m2", "x", 2).Build();

        var v = Assert.Single(new PerRoomTotalOrder().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("r1", 1L, "b", "m2"), (v.Room, v.Seq, v.ClientId, v.MessageId));
    }

    [Fact]
    public void Check_ReaderGoesBackwards_Fails()
    {
        var h = new HistoryBuilder().Deliver(10, "a", "r1", 1, "m1", "x", 1).Deliver(11, "a", "r1", 2, "m2", "x", 2)
            .Deliver(12, "a", "r1", 1, "m1", "x", 1).Build();

        var v = Assert.Single(new PerRoomTotalOrder().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal((1L, "a", 12L), (v.Seq!.Value, v.ClientId, v.AtMs));
    }

    [Fact]
    public void Check_SilentGap_FailsNamingFirstMissingSeq()
    {
        var h = new HistoryBuilder().Deliver(10, "a", "r1", 1, "m1", "x", 1).Deliver(11, "a", "r1", 4, "m4", "x", 4).Build();

        var v = Assert.Single(new PerRoomTotalOrder().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("r1", 2L, "a"), (v.Room, v.Seq, v.ClientId));
        Assert.Contains("2..3", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_GapExactlyAsReported_Passes()
    {
        var h = new HistoryBuilder().Deliver(10, "a", "r1", 1, "m1", "x", 1)
            .Joined(20, "a", "r1", gapFrom: 2, gapTo: 3).Deliver(21, "a", "r1", 4, "m4", "x", 4).Build();

        Assert.Empty(new PerRoomTotalOrder().Check(h, HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_GapLargerThanReported_Fails()
    {
        var h = new HistoryBuilder().Deliver(10, "a", "r1", 1, "m1", "x", 1)
            .Joined(20, "a", "r1", gapFrom: 2, gapTo: 3).Deliver(21, "a", "r1", 5, "m5", "x", 5).Build();

        Assert.Single(new PerRoomTotalOrder().Check(h, HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_ResetStartsReaderAfresh()
    {
        var h = new HistoryBuilder().Deliver(10, "a", "r1", 5, "m5", "x", 1)
            .Joined(20, "a", "r1", epoch: 1, reset: true).Deliver(21, "a", "r1", 1, "n1", "x", 2).Build();

        Assert.Empty(new PerRoomTotalOrder().Check(h, HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_NoDeliveries_IsInconclusive()
    {
        Assert.Equal(InvariantStatus.Inconclusive, new PerRoomTotalOrder().Check(new HistoryBuilder().Build(), HistoryBuilder.Context()).Status);
    }
}
