using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class EveryAcceptedSendSettledTests
{
    [Fact]
    public void Check_AckedAndFailedSends_Pass()
    {
        var h = new HistoryBuilder().Post(10, "a", 1, "r1", 1)
            .Accept(20, "a", "a-2", 2, "r1").Fail(30, "a", "a-2", 2, "no_such_room").Build();

        var r = new EveryAcceptedSendSettled().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(2, r.Samples);
    }

    [Fact]
    public void Check_UnsettledSend_FailsNamingClientAndMessage()
    {
        var h = new HistoryBuilder().Post(10, "a", 1, "r1", 1).Accept(20, "b", "b-7", 7, "r2").Build();

        var r = new EveryAcceptedSendSettled().Check(h, HistoryBuilder.Context());

        var v = Assert.Single(r.Violations);
        Assert.Equal(("r2", 7L, "b", "b-7", 20L), (v.Room, v.Seq, v.ClientId, v.MessageId, v.AtMs));
    }

    [Fact]
    public void Check_SenderCrashedWithoutRestart_IsExcludedNotPassed()
    {
        var h = new HistoryBuilder().Accept(20, "b", "b-7", 7, "r2").Harness(30, HarnessEventKinds.ClientCrash, "b").Build();

        var r = new EveryAcceptedSendSettled().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Inconclusive, r.Status);
        Assert.Equal("b", r.Details["excludedCrashedClients"]);
    }

    [Fact]
    public void Check_SenderRestartedButNeverSettled_Fails()
    {
        var h = new HistoryBuilder().Accept(20, "b", "b-7", 7, "r2")
            .Harness(30, HarnessEventKinds.ClientCrash, "b").Harness(40, HarnessEventKinds.ClientRestart, "b").Build();

        Assert.Equal(InvariantStatus.Failed, new EveryAcceptedSendSettled().Check(h, HistoryBuilder.Context()).Status);
    }

    [Fact]
    public void Check_NoSends_IsInconclusive()
    {
        var r = new EveryAcceptedSendSettled().Check(new HistoryBuilder().Build(), HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Inconclusive, r.Status);
    }
}
