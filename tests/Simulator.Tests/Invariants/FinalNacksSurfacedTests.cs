using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class FinalNacksSurfacedTests
{
    [Fact]
    public void Check_FinalNackSurfaced_RetryableIgnored_Passes()
    {
        var h = new HistoryBuilder().Nack(10, "a", "a-1", 1, "no_such_room").Fail(11, "a", "a-1", 1, "no_such_room")
            .Nack(20, "a", "a-2", 2, "rate_limited", retryable: true).Build();

        var r = new FinalNacksSurfaced().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(2, r.Samples);
    }

    [Fact]
    public void Check_FinalNackNeverSurfaced_FailsNamingClientAndMessage()
    {
        var h = new HistoryBuilder().Nack(10, "a", "a-1", 1, "expired").Build();

        var v = Assert.Single(new FinalNacksSurfaced().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("a", "a-1", 1L, 10L), (v.ClientId, v.MessageId, v.Seq!.Value, v.AtMs));
    }

    [Fact]
    public void Check_FailureWithoutCause_Fails()
    {
        var h = new HistoryBuilder().Fail(10, "a", "a-1", 1, " ").Build();

        Assert.Equal(InvariantStatus.Failed, new FinalNacksSurfaced().Check(h, HistoryBuilder.Context()).Status);
    }

    [Fact]
    public void Check_NoFinalNacks_IsInconclusiveByDefault()
    {
        Assert.Equal(InvariantStatus.Inconclusive, new FinalNacksSurfaced().Check(new HistoryBuilder().Build(), HistoryBuilder.Context()).Status);
    }
}
