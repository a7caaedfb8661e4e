using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class NoDuplicateDeliveryTests
{
    [Fact]
    public void Check_EachMessageOncePerReader_Passes()
    {
        var h = new HistoryBuilder().Post(10, "a", 1, "r1", 1, "a", "b").Post(20, "a", 2, "r1", 2, "a", "b").Build();

        var r = new NoDuplicateDelivery().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(4, r.Samples);
    }

    [Fact]
    public void Check_SameSeqTwice_FailsNamingReader()
    {
        var h = new HistoryBuilder().Post(10, "a", 1, "r1", 1, "a", "b")
            .Deliver(50, "b", "r1", 1, "a-1", "a", 1).Build();

        var v = Assert.Single(new NoDuplicateDelivery().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("r1", 1L, "b", "a-1", 50L), (v.Room, v.Seq, v.ClientId, v.MessageId, v.AtMs));
    }

    [Fact]
    public void Check_SameIdAtAnotherSeq_Fails()
    {
        var h = new HistoryBuilder().Post(10, "a", 1, "r1", 1, "b").Deliver(50, "b", "r1", 2, "a-1", "a", 1).Build();

        var v = Assert.Single(new NoDuplicateDelivery().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal((2L, "a-1"), (v.Seq!.Value, v.MessageId));
    }

    [Fact]
    public void Check_SeqsOutOfOrder_OnlyTheRepeatFails()
    {
        var h = new HistoryBuilder()
            .Deliver(10, "b", "r1", 5, "m5", "a", 5).Deliver(20, "b", "r1", 3, "m3", "a", 3).Deliver(30, "b", "r1", 1, "m1", "a", 1)
            .Deliver(40, "b", "r1", 4, "m4", "a", 4).Deliver(50, "b", "r1", 2, "m2", "a", 2).Deliver(60, "b", "r1", 3, "m3", "a", 3)
            .Build();

        var r = new NoDuplicateDelivery().Check(h, HistoryBuilder.Context());

        var v = Assert.Single(r.Violations);
        Assert.Equal((3L, 60L), (v.Seq!.Value, v.AtMs));
        Assert.Equal(6, r.Samples);
    }

    [Fact]
    public void Check_MessageStoredTwice_FailsOnlyForTheReaderThatGotBothCopies()
    {
        // m1 stored at seq 1 and again at seq 7; b gets the later copy first, then the earlier; c gets one copy only.
        var h = new HistoryBuilder()
            .Deliver(10, "b", "r1", 7, "m1", "a", 1).Deliver(20, "c", "r1", 1, "m1", "a", 1)
            .Deliver(30, "b", "r1", 1, "m1", "a", 1).Deliver(40, "d", "r1", 7, "m1", "a", 1)
            .Build();

        var v = Assert.Single(new NoDuplicateDelivery().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("b", 1L, 30L), (v.ClientId, v.Seq!.Value, v.AtMs));
        Assert.Contains("first at r1 epoch 1 seq 7", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SameSeqInNewEpoch_IsNotADuplicate()
    {
        var h = new HistoryBuilder().Deliver(10, "b", "r1", 1, "m1", "a", 1).Deliver(20, "b", "r1", 1, "m2", "a", 2, epoch: 2).Build();

        Assert.Empty(new NoDuplicateDelivery().Check(h, HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_TooFewDeliveries_IsInconclusive()
    {
        var h = new HistoryBuilder().Post(10, "a", 1, "r1", 1, "b").Build();
        var ctx = HistoryBuilder.Context(new() { [nameof(NoDuplicateDelivery)] = 2 });

        Assert.Equal(InvariantStatus.Inconclusive, new NoDuplicateDelivery().Check(h, ctx).Status);
    }
}
