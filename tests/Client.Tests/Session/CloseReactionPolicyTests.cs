using ChatResilience.Client.Session;

namespace ChatResilience.Client.Tests.Session;

public sealed class CloseReactionPolicyTests
{
    // code, previous code (0 = none), previous welcomed, hint ms (-1 = none), expected action
    [Theory]
    [InlineData(1000, 0, false, -1, CloseAction.Stop)]
    [InlineData(1001, 0, false, 2000, CloseAction.AfterHint)]
    [InlineData(1001, 0, false, -1, CloseAction.Backoff)]
    [InlineData(1006, 0, false, -1, CloseAction.Backoff)]
    [InlineData(1007, 0, false, -1, CloseAction.Backoff)]
    [InlineData(1007, 1007, true, -1, CloseAction.Terminal)]
    [InlineData(1009, 1007, true, -1, CloseAction.Terminal)]
    [InlineData(1009, 1006, false, -1, CloseAction.Backoff)]
    [InlineData(1011, 1011, false, -1, CloseAction.Backoff)]
    [InlineData(1013, 0, false, 1500, CloseAction.AfterHint)]
    [InlineData(4400, 0, false, -1, CloseAction.Terminal)]
    [InlineData(4401, 0, false, -1, CloseAction.FreshToken)]
    [InlineData(4401, 4401, false, -1, CloseAction.Terminal)]
    [InlineData(4401, 4401, true, -1, CloseAction.FreshToken)]
    [InlineData(4403, 0, false, -1, CloseAction.Terminal)]
    [InlineData(4408, 0, false, -1, CloseAction.Immediately)]
    [InlineData(4409, 4409, true, -1, CloseAction.Immediately)]
    [InlineData(4410, 0, true, -1, CloseAction.Terminal)]
    [InlineData(4429, 0, false, 3000, CloseAction.AfterHint)]
    public void Decide_FollowsTheProtocolTable(int code, int previous, bool welcomed, int hintMs, CloseAction expected)
    {
        var history = new CloseHistory(previous == 0 ? null : previous, welcomed);
        TimeSpan? hint = hintMs < 0 ? null : TimeSpan.FromMilliseconds(hintMs);
        var reaction = CloseReactionPolicy.Decide(code, hint, history);
        Assert.Equal(expected, reaction.Action);
        if (expected == CloseAction.AfterHint)
        {
            Assert.Equal(hint, reaction.Hint);
        }
    }

    [Fact]
    public void Decide_HeartbeatTimeoutBeforeTheWelcome_BacksOff()
    {
        var history = new CloseHistory(null, false);

        Assert.Equal(CloseAction.Immediately, CloseReactionPolicy.Decide(4408, null, history, welcomed: true).Action);
        Assert.Equal(CloseAction.Backoff, CloseReactionPolicy.Decide(4408, null, history, welcomed: false).Action);
        Assert.Equal(CloseAction.Immediately, CloseReactionPolicy.Decide(4409, null, history, welcomed: false).Action);
    }

    [Fact]
    public void Decide_ReconnectsFlag_MatchesActions()
    {
        Assert.False(new CloseReaction(CloseAction.Stop, null, "").Reconnects);
        Assert.False(new CloseReaction(CloseAction.Terminal, null, "").Reconnects);
        Assert.True(new CloseReaction(CloseAction.FreshToken, null, "").Reconnects);
        Assert.True(new CloseReaction(CloseAction.Immediately, null, "").Reconnects);
    }
}
