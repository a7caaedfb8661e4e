using ChatResilience.Server.Core;

namespace ChatResilience.Server.Tests.Core;

public sealed class SettlementPolicyTests
{
    [Theory]
    [InlineData(0, false, 1, SettlementDecision.Settle)]
    [InlineData(5, false, 6, SettlementDecision.Settle)]
    [InlineData(5, true, 6, SettlementDecision.Settle)]
    [InlineData(5, false, 5, SettlementDecision.Replay)]
    [InlineData(5, false, 1, SettlementDecision.Replay)]
    [InlineData(5, true, 3, SettlementDecision.Replay)]
    [InlineData(5, false, 7, SettlementDecision.OutOfOrder)]
    [InlineData(5, true, 7, SettlementDecision.Drop)]
    [InlineData(5, true, 100, SettlementDecision.Drop)]
    internal void Decide_ByMarkAndSeq_FollowsProtocol(long mark, bool said, long seq, SettlementDecision expected) =>
        Assert.Equal(expected, SettlementPolicy.Decide(mark, said, seq));

    [Theory]
    [InlineData("a", "a", true)]
    [InlineData("a", "b", false)]
    [InlineData("", "anything", true)]
    public void SameSend_EmptyRecordedIdIsACancel(string recorded, string id, bool expected) =>
        Assert.Equal(expected, SettlementPolicy.SameSend(recorded, id));
}
