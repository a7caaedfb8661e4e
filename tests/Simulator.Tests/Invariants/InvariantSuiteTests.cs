using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class InvariantSuiteTests
{
    private static readonly string[] DataCheckers =
    [
        nameof(NoAckedMessageLost), nameof(EveryAcceptedSendSettled), nameof(NoDuplicateDelivery),
        nameof(PerRoomTotalOrder), nameof(PerSenderOrder),
    ];

    [Fact]
    public void All_HoldsElevenDistinctCheckers()
    {
        Assert.Equal(12, InvariantSuite.All.Checkers.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Only_UnknownName_ThrowsListingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => InvariantSuite.Only(["NoAckedMessageLost", "Nope"]));

        Assert.Contains("Nope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ThrowingChecker_IsReportedAsFailed()
    {
        var suite = new InvariantSuite([new Throwing()]);

        var r = Assert.Single(suite.Run(new RecordedHistory([]), HistoryBuilder.Context()));

        Assert.Equal(InvariantStatus.Failed, r.Status);
        Assert.Contains("InvalidOperationException", r.Violations[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_200kDeliveries_CleanPassesAndInjectedFaultsAreNamed()
    {
        var events = LargeHistory.Build(rooms: 100, members: 20, messagesPerRoom: 100);
        var suite = InvariantSuite.Only(DataCheckers);

        var clean = suite.Run(new RecordedHistory(events), HistoryBuilder.Context());

        Assert.All(clean, r => Assert.Equal(InvariantStatus.Passed, r.Status));
        Assert.Equal(200_000, clean.Single(r => r.Name == nameof(NoDuplicateDelivery)).Samples);

        // Lose one delivery (room-42 seq 7 to c42-3) and duplicate another (room-9 seq 50 to c9-1).
        var lost = events.OfType<DeliveredEvent>().Single(d => d.Room == "room-42" && d.RoomSeq == 7 && d.ClientId == "c42-3");
        var dup = events.OfType<DeliveredEvent>().Single(d => d.Room == "room-9" && d.RoomSeq == 50 && d.ClientId == "c9-1");
        events.Remove(lost);
        events.Add(dup with { AtMs = 5_000 });

        var broken = suite.Run(new RecordedHistory(events), HistoryBuilder.Context()).ToDictionary(r => r.Name);

        var loss = Assert.Single(broken[nameof(NoAckedMessageLost)].Violations);
        Assert.Equal(("room-42", 7L, "c42-3"), (loss.Room, loss.Seq, loss.ClientId));
        var twice = Assert.Single(broken[nameof(NoDuplicateDelivery)].Violations);
        Assert.Equal(("room-9", 50L, "c9-1"), (twice.Room, twice.Seq, twice.ClientId));
        Assert.Contains(broken[nameof(PerRoomTotalOrder)].Violations, v => v is { Room: "room-42", Seq: 7, ClientId: "c42-3" });
        Assert.Equal(InvariantStatus.Passed, broken[nameof(PerSenderOrder)].Status);
    }

    private sealed class Throwing : IInvariantChecker
    {
        public string Name => "Throwing";

        public InvariantResult Check(RecordedHistory history, CheckContext context) => throw new InvalidOperationException("boom");
    }
}
