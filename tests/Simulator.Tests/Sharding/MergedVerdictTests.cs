using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports.Internal;
using ChatResilience.Simulator.Sharding;
using ChatResilience.Simulator.Tests.History;
using ChatResilience.Simulator.Tests.Invariants;

namespace ChatResilience.Simulator.Tests.Sharding;

public sealed class MergedVerdictTests
{
    // Each worker's clock runs this far from the coordinator's; ClockShift must remove it exactly.
    private static readonly long[] WorkerShiftMs = [0, 1_234, -777, 45_000];

    [Fact]
    public async Task Checkers_GiveTheSameResultsOnASkewedShardedHistoryAfterOffsetCorrection()
    {
        var original = BuildHistory(withViolation: true);

        var merged = await ShardAndMergeAsync(original);

        var context = HistoryBuilder.Context();
        var expected = InvariantSuite.All.Run(original, context);
        var actual = InvariantSuite.All.Run(merged, context);
        Assert.Contains(expected, r => r.Status == InvariantStatus.Failed);
        Assert.Contains(expected, r => r.Status == InvariantStatus.Passed);
        Assert.Equal(expected.Select(Full), actual.Select(Full));
        Assert.Equal([0, 1, 2, 3], merged.Events.Select(e => e.Worker).Distinct().Order());
    }

    [Fact]
    public async Task Checkers_PassTheCleanHistoryMergedFromShards()
    {
        var original = BuildHistory(withViolation: false);

        var merged = await ShardAndMergeAsync(original);

        var actual = InvariantSuite.All.Run(merged, HistoryBuilder.Context());
        Assert.DoesNotContain(actual, r => r.Status == InvariantStatus.Failed);
        Assert.Equal(InvariantSuite.All.Run(original, HistoryBuilder.Context()).Select(Full), actual.Select(Full));
    }

    [Fact]
    public void ClockShift_MovesEveryRunRelativeTimeAndKeepsDurations()
    {
        var attempt = ClockShift.Apply(new ConnectAttemptEvent { AtMs = 10, ClientId = "c", Outcome = "connected", StartedAtMs = 8, HintMs = 500 }, 100, 3);
        var accepted = ClockShift.Apply(new SendAcceptedEvent { AtMs = 10, ClientId = "c", UserId = "u", MessageId = "m", Seq = 1, Room = "r", IntendedAtMs = 9 }, 100, 3);
        var delivered = ClockShift.Apply(new DeliveredEvent { AtMs = 10, ClientId = "c", Room = "r", Epoch = 1, RoomSeq = 1, MessageId = "m", SenderClientId = "c", SenderUserId = "u", SenderSeq = 1, ServerAtMs = 7 }, 100, 3);

        Assert.Equal((110L, (long?)108, (long?)500, 3), (attempt.AtMs, ((ConnectAttemptEvent)attempt).StartedAtMs, ((ConnectAttemptEvent)attempt).HintMs, attempt.Worker));
        Assert.Equal(109, ((SendAcceptedEvent)accepted).IntendedAtMs);
        Assert.Equal(107, ((DeliveredEvent)delivered).ServerAtMs);
    }

    [Fact]
    public void ClockShift_ServerTimesTakeTheWallClockShiftSoWorkersAgreeOnThem()
    {
        var delivered = new DeliveredEvent { AtMs = 10, ClientId = "c", Room = "r", Epoch = 1, RoomSeq = 1, MessageId = "m", SenderClientId = "c", SenderUserId = "u", SenderSeq = 1, ServerAtMs = 7 };

        var moved = (DeliveredEvent)ClockShift.Apply(delivered, 100, 40, 2);

        Assert.Equal((110L, 47L), (moved.AtMs, moved.ServerAtMs));
    }

    [Fact]
    public void KeepFromWorker_DropsTheServerSideFaultsAndHealsTheCoordinatorRecordsOnce()
    {
        Assert.False(ShardCoordinator.KeepFromWorker(new HarnessEvent { Kind = HarnessEventKinds.RoomDeleted }));
        Assert.False(ShardCoordinator.KeepFromWorker(new HarnessEvent { Kind = HarnessEventKinds.FaultsHealed }));
        Assert.True(ShardCoordinator.KeepFromWorker(new HarnessEvent { Kind = HarnessEventKinds.ClientCrash, ClientId = "c" }));
        Assert.True(ShardCoordinator.KeepFromWorker(new AckedEvent { ClientId = "c", MessageId = "m", Seq = 1, Room = "r" }));
    }

    /// <summary>
    /// Splits by client into three workers (run-wide events stay with the coordinator, worker 0), moves each
    /// worker's events onto its own skewed clock, ships them through the NDJSON format, and corrects them back.
    /// </summary>
    private static async Task<RecordedHistory> ShardAndMergeAsync(RecordedHistory original)
    {
        using var dir = new TempDirectory();
        var parts = new List<RecordedHistory>();
        for (var w = 0; w < WorkerShiftMs.Length; w++)
        {
            var worker = w;
            var local = original.Events.Where(e => WorkerOf(e) == worker).Select(e => ClockShift.Apply(e, -WorkerShiftMs[worker], 0));
            var path = dir.File($"worker-{w}.ndjson");
            await HistoryFile.WriteAsync(path, local);
            var shipped = await HistoryFile.ReadAsync(path);
            parts.Add(new RecordedHistory(shipped.Events.Select(e => ClockShift.Apply(e, WorkerShiftMs[worker], worker))));
        }

        return RecordedHistory.Merge(parts);
    }

    private static RecordedHistory BuildHistory(bool withViolation)
    {
        var events = LargeHistory.Build(rooms: 8, members: 5, messagesPerRoom: 20);
        if (withViolation)
        {
            var lost = events.OfType<DeliveredEvent>().First(d => d.Room == "room-3" && d.RoomSeq == 9 && d.ClientId != d.SenderClientId);
            events.Remove(lost);
        }

        for (var i = 0; i < 20; i++)
        {
            var client = $"c{i % 8}-{i % 5}";
            events.Add(new ConnectAttemptEvent { AtMs = 2_000, ClientId = client, Outcome = "connected" });
            events.Add(new ConnectionClosedEvent { AtMs = 8_000 + i, ClientId = client, ByPeer = true });
            events.Add(new ConnectAttemptEvent { AtMs = 8_005 + i, ClientId = client, Outcome = "failed", StartedAtMs = 8_003 + i });
            events.Add(new ConnectAttemptEvent { AtMs = 8_060 + (i * 7 % 40), ClientId = client, Outcome = "connected" });
        }

        events.Add(new FaultEvent { AtMs = 7_000, Action = "removed", FaultId = "f", Description = "reset_peer" });
        events.Add(new HarnessEvent { AtMs = 30_000, Kind = HarnessEventKinds.FaultsHealed });
        return new RecordedHistory(events);
    }

    private static string Full(InvariantResult r) =>
        $"{r.Name} {r.Status} samples={r.Samples} violations={r.ViolationCount} " +
        string.Join(";", r.Violations.Select(v => $"{v.Room}/{v.Seq}/{v.ClientId}/{v.MessageId}/{v.AtMs}/{v.Message}").Order(StringComparer.Ordinal));

    private static int WorkerOf(HistoryEvent e)
    {
        var client = EventKeys.ClientOf(e);
        return client is null ? 0 : 1 + (client.Sum(ch => ch) % 3);
    }
}
