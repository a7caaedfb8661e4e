using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports.Internal;
using ChatResilience.Simulator.Tests.Invariants;

namespace ChatResilience.Simulator.Tests.History;

public sealed class MergedHistoryTests
{
    [Fact]
    public async Task Checkers_GiveSameVerdictOnHistorySplitAcrossThreeWorkersAndMerged()
    {
        var events = LargeHistory.Build(rooms: 12, members: 6, messagesPerRoom: 30);
        var lost = events.OfType<DeliveredEvent>().First(d => d.Room == "room-3" && d.RoomSeq == 9 && d.ClientId != d.SenderClientId);
        events.Remove(lost);
        events.Add(new SendAcceptedEvent { AtMs = 900, ClientId = "c1-1", UserId = "u", MessageId = "orphan", Seq = 99, Room = "room-1" });
        var random = new Random(5);
        for (var i = 0; i < 25; i++)
        {
            var client = $"c{i % 12}-{i % 6}";
            events.Add(new ConnectAttemptEvent { AtMs = 2_000, ClientId = client, Outcome = "connected" });
            events.Add(new ConnectionClosedEvent { AtMs = 8_000 + i, ClientId = client, ByPeer = true });
            events.Add(new ConnectAttemptEvent { AtMs = 8_005 + i, ClientId = client, Outcome = "failed" });
            events.Add(new ConnectAttemptEvent { AtMs = 8_005 + i + 50 + random.Next(50), ClientId = client, Outcome = "connected" });
        }

        events.Add(new FaultEvent { AtMs = 7_000, Action = "removed", FaultId = "f", Description = "reset_peer" });
        events.Add(new HarnessEvent { AtMs = 30_000, Kind = HarnessEventKinds.FaultsHealed });
        var original = new RecordedHistory(events);

        using var dir = new TempDirectory();
        var parts = new List<RecordedHistory>();
        for (var w = 0; w < 3; w++)
        {
            var worker = w;
            var path = dir.File($"worker-{w}.jsonl");
            await HistoryFile.WriteAsync(path, original.Events.Where(e => WorkerOf(e) == worker).Select(e => e with { Worker = worker }));
            parts.Add(await HistoryFile.ReadAsync(path));
        }

        var merged = RecordedHistory.Merge(parts);
        var context = HistoryBuilder.Context();
        var expected = InvariantSuite.All.Run(original, context);
        var actual = InvariantSuite.All.Run(merged, context);

        Assert.Equal(original.Events.Count, merged.Events.Count);
        Assert.Contains(expected, r => r.Status == InvariantStatus.Failed);
        Assert.Contains(expected, r => r.Status == InvariantStatus.Passed);
        Assert.Equal(expected.Select(Verdict), actual.Select(Verdict));
    }

    private static string Verdict(InvariantResult r) =>
        $"{r.Name} {r.Status} samples={r.Samples} violations={r.ViolationCount} " +
        string.Join(";", r.Violations.Select(v => $"{v.Room}/{v.Seq}/{v.ClientId}/{v.MessageId}").Order(StringComparer.Ordinal));

    /// <summary>A client lives in one worker; run-wide events come from the coordinator (worker 0).</summary>
    private static int WorkerOf(HistoryEvent e)
    {
        var client = EventKeys.ClientOf(e);
        return client is null ? 0 : (int)((uint)string.GetHashCode(client, StringComparison.Ordinal) % 3);
    }
}
