using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class OfflineQueueReplayedTests
{
    private static HistoryBuilder Offline() => new HistoryBuilder()
        .Harness(100, HarnessEventKinds.OfflineStart, "a")
        .Accept(200, "a", "a-1", 1, "r1", offline: true)
        .Accept(300, "a", "a-2", 2, "r2", offline: true)
        .Harness(1_000, HarnessEventKinds.OfflineEnd, "a");

    [Fact]
    public void Check_SettledWithinBound_Passes()
    {
        var h = Offline().Ack(1_500, "a", "a-1", 1, "r1", 1).Fail(1_600, "a", "a-2", 2, "no_such_room").Build();

        var r = new OfflineQueueReplayed().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal("600", r.Details["worstReplayMs"]);
    }

    [Fact]
    public void Check_SettledTooLate_FailsNamingClientAndMessage()
    {
        var h = Offline().Ack(1_500, "a", "a-1", 1, "r1", 1).Ack(7_000, "a", "a-2", 2, "r2", 1).Build();

        var v = Assert.Single(new OfflineQueueReplayed().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("r2", 2L, "a", "a-2", 7_000L), (v.Room, v.Seq, v.ClientId, v.MessageId, v.AtMs));
    }

    [Fact]
    public void Check_SettledLateByNoMoreThanTheHarnessRanLateMeanwhile_Passes()
    {
        // Back online at 1 000; the bound is 5 s + 20 ms, so 7 000 is 980 ms late.
        var h = Offline().Ack(1_500, "a", "a-1", 1, "r1", 1).Ack(7_000, "a", "a-2", 2, "r2", 1).Build();

        Assert.Equal(InvariantStatus.Passed, new OfflineQueueReplayed().Check(h, HistoryBuilder.LaggingContext((4_000, 1_000))).Status);
        Assert.Single(new OfflineQueueReplayed().Check(h, HistoryBuilder.LaggingContext((4_000, 900))).Violations);
        Assert.Single(new OfflineQueueReplayed().Check(h, HistoryBuilder.LaggingContext((800, 5_000))).Violations);
    }

    [Fact]
    public void Check_NeverSettledAndRunWentOnPastDeadline_Fails()
    {
        var h = Offline().Ack(1_500, "a", "a-1", 1, "r1", 1).Harness(20_000, HarnessEventKinds.FaultsHealed).Build();

        var v = Assert.Single(new OfflineQueueReplayed().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal("a-2", v.MessageId);
    }

    [Fact]
    public void Check_StillOfflineAtEnd_IsExcluded()
    {
        var h = new HistoryBuilder().Accept(200, "a", "a-1", 1, "r1", offline: true).Build();

        var r = new OfflineQueueReplayed().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Inconclusive, r.Status);
        Assert.Equal("1", r.Details["excluded"]);
    }
}
