using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class ReplayIsGapFreeTests
{
    private static InvariantResult Check(HistoryBuilder h) => new ReplayIsGapFree().Check(h.Build(), HistoryBuilder.Context());

    private static WireGapEvent Gap(long at, long expected, long received, long head = 4) =>
        new() { AtMs = at, ClientId = "b", Room = "r", Epoch = 1, Expected = expected, Received = received, JoinedFrom = 3, JoinedHead = head };

    [Fact]
    public void Check_ResumeWithRetentionGapAndNoWireHole_Passes()
    {
        var h = new HistoryBuilder()
            .Joined(100, "b", "r", gapFrom: 1, gapTo: 2) // retention: announced up front, not a hole
            .Post(200, "a", 1, "r", 3, "b").Post(300, "a", 2, "r", 4, "b");

        var r = Check(h);

        Assert.Equal((InvariantStatus.Passed, 1L), (r.Status, r.Samples));
    }

    [Fact]
    public void Check_HoleAtTheSeamRepairedWithHistory_FailsNamingRoomSeqClientAndTime()
    {
        var h = new HistoryBuilder()
            .Joined(100, "b", "r")
            .Add(Gap(250, expected: 5, received: 7))
            .Deliver(260, "b", "r", 7, "m7", "a", 7)
            .Deliver(300, "b", "r", 5, "m5", "a", 5) // filled from history afterwards
            .Deliver(300, "b", "r", 6, "m6", "a", 6);

        var r = Check(h);

        var v = Assert.Single(r.Violations);
        Assert.Equal(("r", 5L, "b", 250L), (v.Room, v.Seq, v.ClientId, v.AtMs));
        Assert.Contains("skipped seqs 5..6 of r epoch 1 at the replay/live seam", v.Message, StringComparison.Ordinal);
        Assert.Contains("the client has them all (repaired with history)", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HoleTheClientNeverFilled_SaysSoAndWhereInTheStream()
    {
        var h = new HistoryBuilder().Joined(100, "b", "r").Add(Gap(250, expected: 3, received: 4)).Add(Gap(400, expected: 9, received: 10));

        var r = Check(h);

        Assert.Equal(2, r.ViolationCount);
        Assert.Contains("skipped seq 3 of r epoch 1 inside the replay", r.Violations[0].Message, StringComparison.Ordinal);
        Assert.Contains("the client never got 1 of them", r.Violations[0].Message, StringComparison.Ordinal);
        Assert.Contains("in the live stream", r.Violations[1].Message, StringComparison.Ordinal);
    }
}
