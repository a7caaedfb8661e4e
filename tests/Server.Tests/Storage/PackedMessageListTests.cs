using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Tests.Storage;

public sealed class PackedMessageListTests
{
    private static StoredMessage Message(long seq, string? body = null) => new()
    {
        Room = "r", Epoch = 3, Seq = seq, Id = $"m-{seq}", From = "u1", ClientId = "c1", ClientSeq = seq + 100,
        Body = body ?? $"body {seq} " + new string('x', (int)(seq % 97)), SentAt = 1_000 + seq, Basis = seq - 1, At = 2_000 + seq,
    };

    [Fact]
    public void EveryField_RoundTrips_AcrossManySegments()
    {
        var list = new PackedMessageList();
        var meta = new Dictionary<string, string> { ["lang"] = "de", ["<tag>"] = "\"quoted\" & 'single'" };
        var special = Message(1, "grüße 👋 <b>&amp;</b> \"q\" \\ \n\t \u0001") with { Meta = meta, AnswerFor = 41 };
        list.Add(special);
        for (var seq = 2; seq <= 20_000; seq++)
        {
            list.Add(Message(seq));
        }

        var back = list.Get(1);
        Assert.Equal(special with { Meta = null }, back with { Meta = null });
        Assert.Equal(meta, back.Meta);
        Assert.Equal((1L, 20_000L, 20_000), (list.FirstSeq, list.LastSeq, list.Count));
        foreach (var seq in new long[] { 2, 3, 999, 1_000, 1_001, 12_345, 19_999, 20_000 })
        {
            Assert.Equal(Message(seq), list.Get(seq));
            Assert.Equal(2_000 + seq, list.AtOf(seq));
        }
    }

    [Fact]
    public void Read_ClampsToWhatIsKept()
    {
        var list = new PackedMessageList();
        for (var seq = 5; seq <= 14; seq++)
        {
            list.Add(Message(seq));
        }

        Assert.Equal([5L, 6, 7], list.Read(1, 3).Select(m => m.Seq));
        Assert.Equal([13L, 14], list.Read(13, 10).Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(5, 10).Select(i => (long)i), list.Read(5, int.MaxValue).Select(m => m.Seq));
        Assert.Empty(list.Read(15, 10));
        Assert.Empty(list.Read(5, 0));
        Assert.Empty(new PackedMessageList().Read(1, 10));
    }

    [Fact]
    public void RemoveFirst_KeepsTheRestReadable_AndAnEmptiedListStartsAnywhere()
    {
        var list = new PackedMessageList();
        for (var seq = 1; seq <= 5_000; seq++)
        {
            list.Add(Message(seq));
        }

        list.RemoveFirst(4_321);
        Assert.Equal((4_322L, 679), (list.FirstSeq, list.Count));
        Assert.Equal(Message(4_322), list.Get(4_322));
        Assert.Equal(Message(5_000), list.Get(5_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Get(4_321));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Get(5_001));
        list.Add(Message(5_001));
        Assert.Equal(Message(5_001), list.Get(5_001));

        list.RemoveFirst(list.Count);
        Assert.Equal(0, list.Count);
        list.Add(Message(9_000));
        Assert.Equal((9_000L, 9_000L), (list.FirstSeq, list.LastSeq));
        Assert.Equal(Message(9_000), list.Get(9_000));
    }

    [Fact]
    public void Add_RefusesAGapOrARepeat()
    {
        var list = new PackedMessageList();
        list.Add(Message(1));
        Assert.Throws<InvalidOperationException>(() => list.Add(Message(3)));
        Assert.Throws<InvalidOperationException>(() => list.Add(Message(1)));
        Assert.Equal(1, list.Count);
    }

    [Fact]
    public void AMessageLargerThanASegment_IsKeptWhole()
    {
        var list = new PackedMessageList();
        var big = new string('b', 3 * 1024 * 1024);
        list.Add(Message(1));
        list.Add(Message(2, big));
        list.Add(Message(3));
        Assert.Equal(big, list.Get(2).Body);
        Assert.Equal(Message(3), list.Get(3));
    }

    [Fact]
    public void ALoneSurrogate_IsStoredAsAReplacementCharacter_NotAnError()
    {
        // No frame decoded from the wire carries one (the JSON reader refuses it); a server-made body might.
        var list = new PackedMessageList();
        list.Add(Message(1, "x\ud800y"));
        Assert.Equal("x\ufffdy", list.Get(1).Body);
    }
}
