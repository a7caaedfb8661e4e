using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class ConvergenceAfterHealTests
{
    private static HistoryBuilder Partition() => new HistoryBuilder()
        .Member(0, "a", "r1").Joined(1, "a", "r1").Member(0, "b", "r1").Joined(1, "b", "r1")
        .Fault(100, "applied").Post(200, "a", 1, "r1", 1, "a").Post(300, "a", 2, "r1", 2, "a")
        .Fault(1_000, "removed");

    [Fact]
    public void Check_ReaderCatchesUpWithinBound_Passes()
    {
        var h = Partition().Deliver(3_000, "b", "r1", 1, "a-1", "a", 1).Deliver(3_000, "b", "r1", 2, "a-2", "a", 2)
            .Harness(10_000, HarnessEventKinds.FaultsHealed).Build();

        var r = new ConvergenceAfterHeal().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(2, r.Samples);
    }

    [Fact]
    public void Check_ReaderCatchesUpLate_FailsNamingReaderRoomAndHead()
    {
        var h = Partition().Deliver(7_000, "b", "r1", 2, "a-2", "a", 2).Build();

        var v = Assert.Single(new ConvergenceAfterHeal().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("r1", 2L, "b", 7_000L), (v.Room, v.Seq, v.ClientId, v.AtMs));
    }

    [Fact]
    public void Check_ReaderLateByNoMoreThanTheHarnessRanLateMeanwhile_Passes()
    {
        // Healed at 1 000; the bound is 5 s + 20 ms, so 7 000 is 980 ms late.
        var h = Partition().Deliver(7_000, "b", "r1", 2, "a-2", "a", 2).Build();

        Assert.Equal(InvariantStatus.Passed, new ConvergenceAfterHeal().Check(h, HistoryBuilder.LaggingContext((3_000, 1_000))).Status);
        Assert.Single(new ConvergenceAfterHeal().Check(h, HistoryBuilder.LaggingContext((3_000, 900))).Violations);
        Assert.Single(new ConvergenceAfterHeal().Check(h, HistoryBuilder.LaggingContext((900, 5_000))).Violations);
    }

    [Fact]
    public void Check_ReaderNeverCatchesUp_Fails()
    {
        var h = Partition().Add(new ConnectAttemptEvent { AtMs = 20_000, ClientId = "z", Outcome = "connected" }).Build();

        var v = Assert.Single(new ConvergenceAfterHeal().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Contains("never reached", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RunEndsBeforeDeadline_IsExcluded()
    {
        var r = new ConvergenceAfterHeal().Check(Partition().Build(), HistoryBuilder.Context());

        Assert.Empty(r.Violations);
        Assert.Equal("1", r.Details["excluded"]);
    }

    [Fact]
    public void Check_FaultStillActiveAtEnd_IsInconclusive()
    {
        var h = Partition().Fault(2_000, "applied", "f2").Add(new ConnectAttemptEvent { AtMs = 20_000, ClientId = "z", Outcome = "connected" }).Build();

        var r = new ConvergenceAfterHeal().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Inconclusive, r.Status);
        Assert.Contains("still active", r.Details["heal"], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoFaultHealed_IsInconclusive()
    {
        var h = new HistoryBuilder().Member(0, "a", "r1").Post(200, "a", 1, "r1", 1, "a").Build();

        Assert.Equal(InvariantStatus.Inconclusive, new ConvergenceAfterHeal().Check(h, HistoryBuilder.Context()).Status);
    }
}
