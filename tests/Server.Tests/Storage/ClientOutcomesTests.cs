using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Tests.Storage;

/// <summary>
/// The in-memory log's per-client outcome store: what it answers, and that what it holds (<c>Slots</c>, 40 B each,
/// and the acks' ids) follows the outcomes kept. Single-threaded, so <see cref="ClientOutcomes.Sync"/> is not taken around reads.
/// </summary>
public sealed class ClientOutcomesTests
{
    private static OutcomeEntry Entry(long seq, long at, string tag = "") => new($"id-{seq}{tag}", "r", seq * 10, at, Nack: null);

    private static OutcomeEntry NackEntry(long seq, long at, string id) => new(id, "r", 0, at, new SettlementOutcome
    {
        UserId = "u", ClientId = "c", Seq = seq, Id = id, Room = "r", NackCode = "forbidden", NackReason = "not a member", At = at,
    });

    [Fact]
    public void OneOutcome_CostsOneSmallChunk()
    {
        var c = new ClientOutcomes();
        c.Record(1, Entry(1, at: 5));
        Assert.Equal((1, OutcomeChunk.MinSlots, 1L), (c.Chunks, c.Slots, c.Mark));
        Assert.True(c.TryGet(1, out var e));
        Assert.Equal(("id-1", 10L, 5L), (e.Id, e.RoomSeq, e.At));
        Assert.False(c.TryGet(0, out _));
        Assert.False(c.TryGet(2, out _));
    }

    [Fact]
    public void AChunk_FitsBelowTheLargeObjectHeap()
    {
        // An array's header and length are 24 bytes on 64-bit; the large-object threshold is 85,000 bytes.
        Assert.True((OutcomeChunk.SlotBytes * OutcomeChunk.MaxSlots) + 24 < 85_000);
    }

    [Fact]
    public void SparseSeqsFarApart_EachKeepsASmallChunk()
    {
        var c = new ClientOutcomes();
        long[] seqs = [7, 1_000_000, 5_000_000_000, 3];
        foreach (var seq in seqs)
        {
            c.Record(seq, Entry(seq, at: 1));
        }

        Assert.Equal((3, 3 * OutcomeChunk.MinSlots, 5_000_000_000L), (c.Chunks, c.Slots, c.Mark));
        foreach (var seq in seqs)
        {
            Assert.True(c.TryGet(seq, out var e));
            Assert.Equal($"id-{seq}", e.Id);
        }

        foreach (var never in new long[] { 2, 4, 8, 999_999, 1_000_001, 4_999_999_999, 5_000_000_001 })
        {
            Assert.False(c.TryGet(never, out _));
        }
    }

    [Fact]
    public void OutOfOrder_BelowTheWindow_MovesItDown_KeepsEveryEntry()
    {
        var c = new ClientOutcomes();
        c.Record(500, Entry(500, at: 1));
        for (var seq = 499; seq >= 490; seq--)
        {
            c.Record(seq, Entry(seq, at: 1));
        }

        c.Record(501, Entry(501, at: 1));
        for (var seq = 490; seq <= 501; seq++)
        {
            Assert.True(c.TryGet(seq, out var e));
            Assert.Equal($"id-{seq}", e.Id);
        }

        Assert.False(c.TryGet(489, out _));
        Assert.False(c.TryGet(502, out _));
        Assert.Equal((16, 501L), (c.Slots, c.Mark));
    }

    [Fact]
    public void Overwrite_ReplacesTheEntry_CountsItOnce()
    {
        var c = new ClientOutcomes();
        var nack = new SettlementOutcome { UserId = "u", ClientId = "c", Seq = 5, Id = "x", Room = "r", NackCode = "no_such_room", At = 10 };
        c.Record(5, new OutcomeEntry("x", "r", 0, 10, nack));
        c.Record(5, Entry(5, at: 20, tag: "-ack"));
        Assert.True(c.TryGet(5, out var e));
        Assert.Equal(("id-5-ack", (SettlementOutcome?)null), (e.Id, e.Nack));
        Assert.Equal(0, c.TrimOlderThan(15));
        Assert.Equal(1, c.TrimOlderThan(21));
        Assert.Equal((0, 5L), (c.Chunks, c.Mark));
    }

    [Fact]
    public void TrimOfAPartlyFilledChunk_ShrinksIt_ThenOldAndNewSeqsRecordAgain()
    {
        var c = new ClientOutcomes();
        for (var seq = 1; seq <= 300; seq++)
        {
            c.Record(seq, Entry(seq, at: seq));
        }

        Assert.Equal(512, c.Slots);
        Assert.Equal(250, c.TrimOlderThan(251));
        Assert.Equal(64, c.Slots); // 50 kept
        Assert.False(c.TryGet(250, out _));

        // A late record of a trimmed seq (below the window) and new seqs (above it) both land.
        for (var seq = 1; seq <= 10; seq++)
        {
            c.Record(seq, Entry(seq, at: 400, tag: "-again"));
        }

        for (var seq = 301; seq <= 400; seq++)
        {
            c.Record(seq, Entry(seq, at: 400));
        }

        for (var seq = 1; seq <= 400; seq++)
        {
            var kept = seq <= 10 || seq > 250;
            Assert.Equal(kept, c.TryGet(seq, out var e));
            Assert.Equal(kept ? $"id-{seq}{(seq <= 10 ? "-again" : "")}" : null, e.Id);
        }

        Assert.Equal((1, 512, 400L), (c.Chunks, c.Slots, c.Mark));
        Assert.Equal(50, c.TrimOlderThan(400)); // 251-300; 1-10 and 301-400 still span 400 offsets
        Assert.Equal(512, c.Slots);

        // Emptied by a trim: dropped; a later seq starts a small chunk again.
        Assert.Equal(110, c.TrimOlderThan(401));
        Assert.Equal((0, 0), (c.Chunks, c.Slots));
        c.Record(401, Entry(401, at: 401));
        Assert.Equal((1, OutcomeChunk.MinSlots, 401L), (c.Chunks, c.Slots, c.Mark));
    }

    [Fact]
    public void Growth_AcrossChunkBoundaries_AStreamingClientsNextChunkStartsFullSize()
    {
        var c = new ClientOutcomes();
        for (var seq = 1; seq <= 3000; seq++)
        {
            c.Record(seq, Entry(seq, at: seq));
        }

        Assert.Equal((3, 3 * OutcomeChunk.MaxSlots, 3000L), (c.Chunks, c.Slots, c.Mark));
        for (var seq = 1; seq <= 3000; seq++)
        {
            Assert.True(c.TryGet(seq, out var e));
            Assert.Equal($"id-{seq}", e.Id);
        }

        Assert.False(c.TryGet(3001, out _));

        // Trimmed to its last 100 (one chunk, 2,901-3,000): one 128-slot window.
        Assert.Equal(2900, c.TrimOlderThan(2901));
        Assert.Equal((1, 128), (c.Chunks, c.Slots));
    }

    [Fact]
    public void QuietClient_AcrossAChunkBoundary_KeepsTwoSmallChunks()
    {
        var c = new ClientOutcomes();
        for (var seq = 1020; seq <= 1030; seq++)
        {
            c.Record(seq, Entry(seq, at: 1));
        }

        Assert.Equal((2, 2 * OutcomeChunk.MinSlots), (c.Chunks, c.Slots));
        Assert.All(Enumerable.Range(1020, 11), seq => Assert.True(c.TryGet(seq, out _)));
    }

    [Fact]
    public void TrimEmptyingTheNewestChunk_OlderChunksStillAnswer_LaterSeqsLandAnywhere()
    {
        var c = new ClientOutcomes();
        c.Record(1, Entry(1, at: 10));
        c.Record(2000, Entry(2000, at: 1));
        Assert.Equal(1, c.TrimOlderThan(5));
        Assert.Equal(1, c.Chunks);
        Assert.True(c.TryGet(1, out _));
        Assert.False(c.TryGet(2000, out _));

        long[] later = [1500, 3, 5000, 2];
        foreach (var seq in later)
        {
            c.Record(seq, Entry(seq, at: 20));
        }

        Assert.Equal((3, 3 * OutcomeChunk.MinSlots, 5000L), (c.Chunks, c.Slots, c.Mark));
        foreach (var seq in later.Append(1))
        {
            Assert.True(c.TryGet(seq, out var e));
            Assert.Equal($"id-{seq}", e.Id);
        }

        Assert.Equal(5, c.TrimOlderThan(21));
        Assert.Equal((0, 0), (c.Chunks, c.Slots));
    }

    [Fact]
    public void AcksIds_AreKeptAsBytes_ThatFollowWhatIsKept()
    {
        var c = new ClientOutcomes();
        for (long seq = 0; seq < OutcomeChunk.MaxSlots; seq++)
        {
            c.Record(seq, Entry(seq, at: seq, tag: "-" + new string('é', 10)));
        }

        var full = c.IdBytes;
        Assert.InRange(full, OutcomeChunk.MaxSlots * 30, OutcomeChunk.MaxSlots * 30 * 4); // ~30 B of UTF-8 per id

        // Keep the newest 50: the id array shrinks with the slots, and what is left still reads back.
        Assert.Equal(OutcomeChunk.MaxSlots - 50, c.TrimOlderThan(OutcomeChunk.MaxSlots - 50));
        Assert.True(c.IdBytes * 8 <= full, $"{c.IdBytes} of {full} bytes kept for 50 ids");
        Assert.True(c.TryGet(OutcomeChunk.MaxSlots - 1, out var last));
        Assert.Equal(Entry(OutcomeChunk.MaxSlots - 1, at: OutcomeChunk.MaxSlots - 1, tag: "-" + new string('é', 10)), last);

        // Overwriting the same seqs again and again does not grow the array without bound.
        for (var round = 0; round < 100; round++)
        {
            for (long seq = OutcomeChunk.MaxSlots - 50; seq < OutcomeChunk.MaxSlots; seq++)
            {
                c.Record(seq, Entry(seq, at: 5_000, tag: $"-{round}"));
            }
        }

        Assert.True(c.IdBytes <= 4096, $"{c.IdBytes} bytes for 50 ids");
        Assert.True(c.TryGet(OutcomeChunk.MaxSlots - 50, out var first));
        Assert.Equal($"id-{OutcomeChunk.MaxSlots - 50}-99", first.Id);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomRecordsOverwritesAndTrims_AnswerLikeAMap(int seed)
    {
        // Seqs over three chunks, mostly rising with retries and jumps back, trims by age: after every step each
        // seq answers as a plain map would.
        var random = new Random(seed);
        var c = new ClientOutcomes();
        var model = new Dictionary<long, OutcomeEntry>();
        long next = 0;
        for (var step = 1; step <= 3000; step++)
        {
            var roll = random.Next(100);
            if (roll < 5)
            {
                var cut = step - random.Next(1, 400);
                var expected = model.Count(kv => kv.Value.At < cut);
                foreach (var seq in model.Where(kv => kv.Value.At < cut).Select(kv => kv.Key).ToList())
                {
                    model.Remove(seq);
                }

                Assert.Equal(expected, c.TrimOlderThan(cut));
            }
            else
            {
                var seq = roll < 80 ? next++ : random.Next(0, 3 * OutcomeChunk.MaxSlots);
                // Ids of varying length, some not ASCII; some outcomes nacks (their record holds the id), some cancels ("").
                var entry = (step % 11) switch
                {
                    0 => NackEntry(seq, step, $"n-{seq}@{step}"),
                    1 => NackEntry(seq, step, ""),
                    2 => Entry(seq, at: step, tag: $"ü€@{step}" + new string('x', step % 40)),
                    _ => Entry(seq, at: step, tag: $"@{step}"),
                };
                c.Record(seq, entry);
                model[seq] = entry;
            }

            if (step % 50 == 0)
            {
                for (long seq = -1; seq <= 3 * OutcomeChunk.MaxSlots; seq++)
                {
                    Assert.Equal(model.TryGetValue(seq, out var want), c.TryGet(seq, out var got));
                    Assert.Equal(want, got);
                }
            }
        }
    }
}
