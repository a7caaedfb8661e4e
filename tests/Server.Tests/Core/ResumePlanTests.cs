using ChatResilience.Server.Core;

namespace ChatResilience.Server.Tests.Core;

public sealed class ResumePlanTests
{
    [Theory]
    //          clientEpoch after roomEpoch head first | from gapFrom gapTo reset
    [InlineData(null, null, 1, 0, 1, 1, 0, 0, false)] // new joiner, empty room
    [InlineData(null, null, 1, 10, 1, 1, 0, 0, false)] // new joiner replays all
    [InlineData(1L, 4L, 1, 10, 1, 5, 0, 0, false)] // resume
    [InlineData(1L, 10L, 1, 10, 1, 11, 0, 0, false)] // up to date
    [InlineData(1L, 2L, 1, 10, 6, 6, 3, 5, true)] // gap past retention (reset false; see below)
    [InlineData(2L, 4L, 1, 10, 1, 1, 0, 0, true)] // epoch mismatch: reset, replay all
    [InlineData(1L, 12L, 1, 10, 1, 1, 0, 0, true)] // after past head: reset
    [InlineData(0L, 3L, 2, 10, 1, 4, 0, 0, false)] // epoch 0: client holds no epoch
    [InlineData(2L, 20L, 1, 10, 8, 8, 1, 7, true)] // reset with trimmed log: gap from 1
    internal void Compute_Table(long? clientEpoch, long? after, long roomEpoch, long head, long first, long from, long gapFrom, long gapTo, bool resetOrGap)
    {
        var plan = ResumePlan.Compute(clientEpoch, after, roomEpoch, head, first);
        Assert.Equal(from, plan.From);
        if (gapFrom == 0)
        {
            Assert.Null(plan.Gap);
        }
        else
        {
            Assert.NotNull(plan.Gap);
            Assert.Equal(gapFrom, plan.Gap!.From);
            Assert.Equal(gapTo, plan.Gap.To);
        }

        var expectReset = (clientEpoch is > 0 && clientEpoch != roomEpoch) || (after ?? 0) > head;
        Assert.Equal(expectReset, plan.Reset);
        Assert.True(resetOrGap || (!plan.Reset && plan.Gap is null));
    }
}
