using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class LatencyRecorderTests
{
    [Fact]
    public void FromHistory_MeasuresFromIntendedTime_OfflineApart_SelfDeliveryIgnored()
    {
        var history = new RecordedHistory(
        [
            // Intended at 100 but only accepted at 400 (the client was busy): latency counts from 100.
            new SendAcceptedEvent { AtMs = 400, ClientId = "a", UserId = "ua", MessageId = "m1", Seq = 1, Room = "r", IntendedAtMs = 100 },
            new SendAcceptedEvent { AtMs = 500, ClientId = "a", UserId = "ua", MessageId = "m2", Seq = 2, Room = "r", IntendedAtMs = 500, Offline = true },
            Delivered(450, "a", "m1"),
            Delivered(600, "b", "m1"),
            Delivered(9_500, "b", "m2"),
        ]);

        var latency = LatencyRecorder.FromHistory(history);

        Assert.Equal((1L, 500L), (latency.Online().Count, latency.Online().Max));
        Assert.Equal(1L, latency.Offline().Count);
        Assert.InRange(latency.Offline().P50, 8_990, 9_010); // HdrHistogram: 3 significant digits
        var second = Assert.Single(latency.PerSecond());
        Assert.Equal(0L, second.Second);
        Assert.InRange(second.P99, 495, 505); // per-second buckets keep 2 significant digits
    }

    [Fact]
    public void PerSecond_BucketsByDeliverySecond_AndAddMergesWorkers()
    {
        var a = new LatencyRecorder();
        var b = new LatencyRecorder();
        for (var i = 1; i <= 100; i++)
        {
            a.RecordOnline(i, 1_000 + i);
            b.RecordOnline(1_000 + i, 3_000 + i);
        }

        a.Add(b);

        var series = a.PerSecond();
        Assert.Equal([1L, 3L], series.Select(s => s.Second));
        Assert.Equal(200, a.Online().Count);
        Assert.InRange(series[0].P90, 89, 91);
        Assert.InRange(series[1].P50, 1_040, 1_060);
        Assert.InRange(a.Online().P50, 99, 101);
    }

    [Fact]
    public void RecordOnline_NegativeOrHuge_IsClampedNotThrown()
    {
        var r = new LatencyRecorder();

        r.RecordOnline(-5, 0);
        r.RecordOnline(long.MaxValue, 0);

        Assert.Equal(2, r.Online().Count);
        Assert.Equal(0, r.Online().P50);
    }

    private static DeliveredEvent Delivered(long at, string reader, string id) => new()
    {
        AtMs = at, ClientId = reader, Room = "r", RoomSeq = 1, MessageId = id, SenderClientId = "a", SenderUserId = "ua", SenderSeq = 1,
    };
}
