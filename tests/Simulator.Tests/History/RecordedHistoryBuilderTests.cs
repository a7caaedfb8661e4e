using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Tests.History;

public sealed class RecordedHistoryBuilderTests
{
    [Fact]
    public void Delivery_ComesBackWithEveryField()
    {
        var answer = Delivery(at: 7, client: "c2", message: "m9") with
        {
            Worker = 3, Epoch = 4, ServerAtMs = -12, SenderSeq = 77, ReplyToSeq = 5, SenderUserId = "assistant",
        };
        var plain = Delivery(at: 8, client: "c3", message: "m10") with { ReplyToSeq = null };

        var history = new RecordedHistory([answer, plain]);

        Assert.Equal([answer, plain], history.Events);
        Assert.Null(((DeliveredEvent)history.Events[1]).ReplyToSeq);
        Assert.Equal(2, history.Deliveries);
    }

    [Fact]
    public void Events_AreSortedByTime_KeepingTheAddedOrderWithinAMillisecond()
    {
        var late = new ConnectAttemptEvent { AtMs = 50, ClientId = "c1", Outcome = "connected" };
        var firstAt10 = Delivery(at: 10, client: "c1", message: "a");
        var secondAt10 = new AckedEvent { AtMs = 10, ClientId = "c1", MessageId = "a", Room = "r", RoomSeq = 1 };
        var thirdAt10 = Delivery(at: 10, client: "c2", message: "a");
        var early = new HarnessEvent { AtMs = -3, Kind = HarnessEventKinds.OfflineStart, ClientId = "c2" };

        var history = new RecordedHistory([late, firstAt10, secondAt10, thirdAt10, early]);

        Assert.Equal([early, firstAt10, secondAt10, thirdAt10, late], history.Events);
    }

    [Fact]
    public void OfType_ReturnsOneKindInTimeOrder()
    {
        var events = new List<HistoryEvent>();
        for (var i = 9; i >= 0; i--)
        {
            events.Add(Delivery(at: i * 10, client: $"c{i % 3}", message: $"m{i}"));
            events.Add(new AckedEvent { AtMs = (i * 10) + 1, ClientId = "c0", MessageId = $"m{i}", Room = "r", RoomSeq = i });
        }

        var history = new RecordedHistory(events);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i * 10), history.OfType<DeliveredEvent>().Select(d => d.AtMs));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)(i * 10) + 1), history.OfType<AckedEvent>().Select(a => a.AtMs));
        Assert.Equal(20, history.OfType<HistoryEvent>().Count());
    }

    [Fact]
    public void ManyChunksInReverse_AreSortedIntoTheSameEventsAsAListSort()
    {
        // 40,000 events span three storage chunks; reversing them exercises every cycle of the in-place reorder.
        var events = Enumerable.Range(0, 40_000)
            .Select(i => i % 7 == 0
                ? (HistoryEvent)new ConnectAttemptEvent { AtMs = 40_000 - (i / 2), ClientId = $"c{i % 13}", Outcome = "connected" }
                : Delivery(at: 40_000 - (i / 2), client: $"c{i % 13}", message: $"m{i}"))
            .ToList();

        var history = new RecordedHistory(events);

        Assert.Equal(events.Select((e, i) => (e, i)).OrderBy(x => x.e.AtMs).ThenBy(x => x.i).Select(x => x.e), history.Events);
    }

    [Fact]
    public void TimesFurtherApartThan49Days_StillSort()
    {
        var far = Delivery(at: 1L << 40, client: "c1", message: "far");
        var near = Delivery(at: -5, client: "c1", message: "near");

        Assert.Equal([near, far], new RecordedHistory([far, near]).Events);
    }

    [Fact]
    public void AddFrom_MergesAnotherBuildersEventsAndEmptiesIt()
    {
        var mine = new RecordedHistoryBuilder();
        mine.Add(Delivery(at: 5, client: "c1", message: "m1"));
        mine.Add(new HarnessEvent { AtMs = 1, Kind = HarnessEventKinds.FaultsHealed });
        var theirs = new RecordedHistoryBuilder();
        var theirDelivery = Delivery(at: 3, client: "c9", message: "m7") with { Worker = 2 };
        var theirAck = new AckedEvent { AtMs = 4, ClientId = "c9", MessageId = "m7", Room = "r", RoomSeq = 7, Worker = 2 };
        theirs.Add(theirDelivery);
        theirs.Add(theirAck);

        mine.AddFrom(theirs);
        var history = mine.Build();

        Assert.Equal(4, history.Events.Count);
        Assert.Equal([1L, 3, 4, 5], history.Events.Select(e => e.AtMs));
        Assert.Equal(theirDelivery, history.Events[1]);
        Assert.Equal(theirAck, history.Events[2]);
        Assert.Equal(0, theirs.Count);
        Assert.Equal(0, theirs.Deliveries);
    }

    [Fact]
    public void Builder_CannotBeUsedAfterBuild()
    {
        var builder = new RecordedHistoryBuilder();
        builder.Add(Delivery(at: 1, client: "c1", message: "m1"));
        builder.Build();

        Assert.Throws<ObjectDisposedException>(() => builder.Add(Delivery(at: 2, client: "c1", message: "m2")));
        Assert.Throws<ObjectDisposedException>(() => builder.Build());
    }

    [Fact]
    public void Events_IndexOutOfRange_Throws()
    {
        var history = new RecordedHistory([Delivery(at: 1, client: "c1", message: "m1")]);

        Assert.Throws<ArgumentOutOfRangeException>(() => history.Events[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => history.Events[-1]);
    }

    [Fact]
    public void SpillingBuilder_WritesRowsToDisk_LeavesNoFile_AndBuildsTheSameHistory()
    {
        using var dir = new TempDirectory();
        var events = Shuffled(40_000);
        var builder = new RecordedHistoryBuilder(dir.Path);

        builder.AddRange(events);

        Assert.Equal(32_768, builder.SpilledRows); // two full chunks on disk, the rest still in memory
        Assert.Empty(Directory.GetFiles(dir.Path)); // the spill file is unlinked while open
        var history = builder.Build();
        Assert.Null(builder.SpillError);
        Assert.Equal(InOrder(events), history.Events);
        Assert.Equal(events.OfType<DeliveredEvent>().Count(), history.Deliveries);
    }

    [Fact]
    public void AddFrom_ASpilledBuilder_MovesEveryEvent()
    {
        using var dir = new TempDirectory();
        var events = Shuffled(20_000);
        var spilled = new RecordedHistoryBuilder(dir.Path);
        spilled.AddRange(events.Take(18_000));
        var merged = new RecordedHistoryBuilder(dir.Path);
        merged.AddRange(events.Skip(18_000));

        merged.AddFrom(spilled);

        Assert.Equal(0, spilled.Count);
        Assert.Equal(InOrder([.. events.Skip(18_000), .. events.Take(18_000)]), merged.Build().Events);
    }

    [Fact]
    public void SpillDirectoryThatCannotBeCreated_KeepsTheHistoryInMemory_AndSaysWhy()
    {
        using var dir = new TempDirectory();
        var notADirectory = dir.File("plain-file");
        File.WriteAllText(notADirectory, "x");
        var events = Shuffled(20_000);
        var builder = new RecordedHistoryBuilder(Path.Combine(notADirectory, "spill"));

        builder.AddRange(events);
        var history = builder.Build();

        Assert.Contains("kept in memory", builder.SpillError, StringComparison.Ordinal);
        Assert.Equal(0, builder.SpilledRows);
        Assert.Equal(InOrder(events), history.Events);
    }

    private static List<HistoryEvent> Shuffled(int count)
    {
        var random = new Random(3);
        return [.. Enumerable.Range(0, count).Select(i => i % 5 == 0
            ? (HistoryEvent)new AckedEvent { AtMs = random.Next(1_000), ClientId = $"c{i % 7}", MessageId = $"m{i}", Room = "r", RoomSeq = i }
            : Delivery(at: random.Next(1_000), client: $"c{i % 7}", message: $"m{i}"))];
    }

    private static IEnumerable<HistoryEvent> InOrder(List<HistoryEvent> events) =>
        events.Select((e, i) => (e, i)).OrderBy(x => x.e.AtMs).ThenBy(x => x.i).Select(x => x.e);

    private static DeliveredEvent Delivery(long at, string client, string message) => new()
    {
        AtMs = at,
        ClientId = client,
        Room = "room-1",
        Epoch = 1,
        RoomSeq = at,
        MessageId = message,
        SenderClientId = "sender",
        SenderUserId = "u-sender",
        SenderSeq = 1,
        ServerAtMs = at,
    };
}
