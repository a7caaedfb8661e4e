using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class NoAckedMessageLostTests
{
    private static HistoryBuilder Room() => new HistoryBuilder()
        .Member(0, "a", "r1").Joined(1, "a", "r1")
        .Member(0, "b", "r1").Joined(1, "b", "r1");

    [Fact]
    public void Check_EveryMemberGotEveryAck_Passes()
    {
        var h = Room().Post(10, "a", 1, "r1", 1, "a", "b").Post(20, "b", 1, "r1", 2, "a", "b").Build();

        var r = new NoAckedMessageLost().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(4, r.Samples);
    }

    [Fact]
    public void Check_MemberMissesAckedMessage_FailsNamingReaderRoomSeqAndId()
    {
        var h = Room().Post(10, "a", 1, "r1", 1, "a", "b").Post(20, "a", 2, "r1", 2, "a").Build();

        var r = new NoAckedMessageLost().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Failed, r.Status);
        var v = Assert.Single(r.Violations);
        Assert.Equal(("r1", 2L, "b", "a-2", 22L), (v.Room, v.Seq, v.ClientId, v.MessageId, v.AtMs));
    }

    [Fact]
    public void Check_ReaderGotAnotherMessageAtTheAckedSeq_IsStillMissingTheAckedOne()
    {
        // a-1 is stored at seq 1 and a delivers it there; b is handed a different message at the same seq.
        var h = Room().Accept(10, "a", "a-1", 1, "r1").Ack(12, "a", "a-1", 1, "r1", 1)
            .Deliver(13, "a", "r1", 1, "a-1", "a", 1).Deliver(14, "b", "r1", 1, "x-9", "x", 9).Build();

        var v = Assert.Single(new NoAckedMessageLost().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("b", "a-1"), (v.ClientId, v.MessageId));
    }

    [Fact]
    public void Check_MessageStoredTwice_EitherCopyCounts()
    {
        // The server stored a-1 at seq 1 and again at seq 2: a got the first copy, b only the second.
        var h = Room().Accept(10, "a", "a-1", 1, "r1").Ack(12, "a", "a-1", 1, "r1", 1)
            .Deliver(13, "a", "r1", 1, "a-1", "a", 1).Deliver(14, "b", "r1", 2, "a-1", "a", 1).Build();

        var r = new NoAckedMessageLost().Check(h, HistoryBuilder.Context());

        Assert.Empty(r.Violations);
        Assert.Equal(2, r.Samples);
    }

    [Fact]
    public void Check_ReaderJoinedAfterAck_IsNotOwedTheMessage()
    {
        var h = Room().Post(10, "a", 1, "r1", 1, "a", "b")
            .Member(50, "c", "r1").Joined(60, "c", "r1").Post(70, "a", 2, "r1", 2, "a", "b", "c").Build();

        var r = new NoAckedMessageLost().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(5, r.Samples);
    }

    [Fact]
    public void Check_SurfacedGapResetDeletionOrCrash_AreExcludedNotViolations()
    {
        var h = Room().Member(0, "c", "r1").Joined(1, "c", "r1").Member(0, "d", "r1").Joined(1, "d", "r1")
            .Post(10, "a", 1, "r1", 1, "a")
            .Joined(100, "b", "r1", gapFrom: 1, gapTo: 1) // b told seq 1 is past retention
            .Joined(100, "c", "r1", epoch: 2, reset: true)
            .Harness(100, HarnessEventKinds.ClientCrash, "d")
            .Build();

        var r = new NoAckedMessageLost().Check(h, HistoryBuilder.Context());

        Assert.Empty(r.Violations);
        Assert.Equal(3, long.Parse(r.Details["excluded"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Check_RoomDeletedAfterAck_ExcludesItsMessages()
    {
        var h = Room().Post(10, "a", 1, "r1", 1, "a").Harness(50, HarnessEventKinds.RoomDeleted, room: "r1").Build();

        var r = new NoAckedMessageLost().Check(h, HistoryBuilder.Context());

        Assert.Empty(r.Violations);
        Assert.Equal(0, r.Samples);
    }

    [Fact]
    public void Check_LeftReaderIsNotOwedLaterMessages()
    {
        var h = Room().Add(new LeftEvent { AtMs = 30, ClientId = "b", Room = "r1", Code = "removed" })
            .Post(40, "a", 1, "r1", 1, "a").Build();

        Assert.Empty(new NoAckedMessageLost().Check(h, HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_FewerSamplesThanMinimum_IsInconclusive()
    {
        var h = Room().Post(10, "a", 1, "r1", 1, "a", "b").Build();
        var ctx = HistoryBuilder.Context(new() { [nameof(NoAckedMessageLost)] = 10 });

        var r = new NoAckedMessageLost().Check(h, ctx);

        Assert.Equal(InvariantStatus.Inconclusive, r.Status);
        Assert.Equal(10, r.MinSamples);
    }
}
