using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Tests.Storage;

public sealed class ChunkedListTests
{
    [Fact]
    public void AddAndRemoveFirst_AcrossChunkBoundaries_KeepOrderAndIndexes()
    {
        var list = new ChunkedList<int>();
        for (var i = 0; i < 3000; i++)
        {
            list.Add(i);
        }

        list.RemoveFirst(1500);
        Assert.Equal((1500, 1500, 2999), (list.Count, list[0], list[1499]));
        for (var i = 3000; i < 3100; i++)
        {
            list.Add(i);
        }

        Assert.Equal(Enumerable.Range(1500, 1600), list);
        Assert.Equal([2047, 2048, 2049], list.GetRange(547, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => list[1600]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list.GetRange(1599, 2));
    }

    [Fact]
    public void RemoveFirst_Everything_ThenAdd_StartsAgainAtIndexZero()
    {
        var list = new ChunkedList<string>();
        list.Add("a");
        list.Add("b");
        list.RemoveFirst(2);
        Assert.Empty(list);
        list.Add("c");
        Assert.Equal(("c", 1), (list[0], list.Count));
    }
}
