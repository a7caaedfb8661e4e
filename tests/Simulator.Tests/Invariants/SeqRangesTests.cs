using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class SeqRangesTests
{
    [Fact]
    public void InOrderSeqs_AreOneRange()
    {
        var set = new SeqRanges();
        for (var s = 1; s <= 1_000; s++)
        {
            Assert.True(set.Add(s));
        }

        Assert.Equal(1, set.RangeCount);
        Assert.False(set.Add(500));
        Assert.True(set.Contains(1_000));
        Assert.False(set.Contains(1_001));
    }

    [Fact]
    public void HolesFilledInAnyOrder_MergeBack_AndEverySeqIsSeenOnce()
    {
        var random = new Random(11);
        var seqs = Enumerable.Range(1, 500).Select(i => (long)i).OrderBy(_ => random.Next()).ToList();
        var set = new SeqRanges();

        foreach (var s in seqs)
        {
            Assert.True(set.Add(s));
        }

        Assert.Equal(1, set.RangeCount);
        Assert.All(seqs, s => Assert.False(set.Add(s)));
        Assert.False(set.Contains(0));
        Assert.False(set.Contains(501));
    }

    [Fact]
    public void Gaps_StayApart()
    {
        var set = new SeqRanges();
        foreach (var s in new long[] { 10, 12, 14, 11 })
        {
            set.Add(s);
        }

        Assert.Equal(2, set.RangeCount); // 10..12 and 14
        Assert.False(set.Contains(13));
        Assert.True(set.Add(13));
        Assert.Equal(1, set.RangeCount);
    }
}
