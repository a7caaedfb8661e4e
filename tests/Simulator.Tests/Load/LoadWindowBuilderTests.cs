using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Tests.Load;

public sealed class LoadWindowBuilderTests
{
    [Fact]
    public void Build_AttributesLatencyToTheIntendedSendWindow_AndRatesPerSecond()
    {
        const long origin = 1_000;
        var events = new List<HistoryEvent>
        {
            // Meant for 4.9 s, accepted at 5.2 s, delivered at 6.0 s: 1,100 ms counted in window 0 (no coordinated omission).
            new SendAcceptedEvent { AtMs = origin + 5_200, ClientId = "a", UserId = "ua", MessageId = "m1", Room = "r", IntendedAtMs = origin + 4_900 },
            new AckedEvent { AtMs = origin + 5_300, ClientId = "a", MessageId = "m1", Room = "r" },
            new DeliveredEvent { AtMs = origin + 6_000, ClientId = "b", Room = "r", MessageId = "m1", SenderClientId = "a", SenderUserId = "ua" },
            new DeliveredEvent { AtMs = origin + 6_000, ClientId = "a", Room = "r", MessageId = "m1", SenderClientId = "a", SenderUserId = "ua" }, // own echo: not latency
            new SendRefusedEvent { AtMs = origin + 7_000, ClientId = "a", Room = "r", Reason = "full" },
        };
        var connects = new[] { new ConnectRecord(0, 100, 350), new ConnectRecord(1, 5_100, null, "timeout") };
        var samples = new[]
        {
            new LoadSample { AtMs = 5_000, Started = 1, Joined = 1, Connected = 1 },
            new LoadSample { AtMs = 9_000, Started = 2, Joined = 2, Connected = 1 },
        };

        var w = LoadWindowBuilder.Build(events, origin, connects, samples, TimeSpan.FromSeconds(5), 10_000);

        Assert.Equal(2, w.Count);
        Assert.InRange(w[0].DeliveryP99Ms, 1_089, 1_111); // two significant digits: within 1 %
        Assert.Equal(1, w[0].DeliverySamples);
        Assert.InRange(w[0].ConnectP99Ms, 247, 253);
        Assert.Equal(1, w[0].Connections);
        Assert.Equal(0, w[1].DeliverySamples);
        Assert.Equal(0.2, w[1].SentPerSecond, 3);
        Assert.Equal(0.2, w[1].DeliveredPerSecond, 3);
        Assert.Equal(0.5, w[1].RefusedFraction, 3);
        Assert.Equal(1, w[1].Errors); // the timed-out connect
        Assert.Equal(0.5, w[1].ConnectedFractionMin, 3);
        Assert.InRange(w[1].SettleP99Ms, 99, 101);
    }

    [Fact]
    public void Build_ConnectErrorShare_CountsFailuresOfTheWindowsStarts_NotConnectsTheRunCutOff()
    {
        var connects = new[]
        {
            new ConnectRecord(0, 100, 300), new ConnectRecord(1, 200, 600), new ConnectRecord(2, 300, null, "503 Service Unavailable"),
            new ConnectRecord(3, 1_100, null, "no join within 2 s"), new ConnectRecord(4, 1_900, null, ConnectRecord.RunStopped),
        };

        var w = LoadWindowBuilder.Build([], 0, connects, [], TimeSpan.FromSeconds(1), 2_000);

        Assert.Equal(3, w[0].ConnectsStarted);
        Assert.Equal(1 / 3.0, w[0].ConnectErrorFraction, 6);
        Assert.Equal((1 / 3.0, 3L), w[0].Metric(SloMetrics.ConnectErrorFractionMax));
        Assert.Equal(1, w[1].ConnectsStarted); // the connect the end of the run cut off is no failure of the server's
        Assert.Equal(1.0, w[1].ConnectErrorFraction, 6);
        Assert.Equal(2, w[1].Errors); // though it still shows among the window's errors
        Assert.InRange(w[0].Metric(SloMetrics.ConnectTimeP99Ms).Value, 396, 404);
    }

    [Fact]
    public void Build_WindowNoSampleFellInto_CarriesTheLoadOfTheWindowBefore()
    {
        // One-second windows and ticks that ran a little late: no sample lands in [1 s, 2 s).
        var samples = new[] { new LoadSample { AtMs = 999, Started = 10, Joined = 10, Connected = 10 }, new LoadSample { AtMs = 2_003, Started = 20, Joined = 12, Connected = 11 } };

        var w = LoadWindowBuilder.Build([], 0, [], samples, TimeSpan.FromSeconds(1), 3_000);

        Assert.Equal((10, 10), (w[1].Connections, w[1].Started));
        Assert.Equal((11, 20), (w[2].Connections, w[2].Started));
        Assert.Equal(0, w[1].ConnectedSamples); // a carried load is no measurement
    }

    [Theory]
    [InlineData(false, 12)]
    [InlineData(true, 2)]
    public void Windows_OfAnInterruptedRun_EndWhereItStopped(bool interrupted, int windows)
    {
        var scenario = ChatResilience.Simulator.Scenarios.ScenarioLoader.Parse("""{ "schemaVersion": 1, "name": "x", "clients": { "count": 2 }, "workload": { "rooms": [ { "name": "r", "count": 1, "size": 2 } ] } }""").Scenario;
        var settings = LoadSettings.Resolve(scenario, 1, hold: TimeSpan.FromMinutes(1)) with { Window = TimeSpan.FromSeconds(5) };
        var result = new LoadResult
        {
            History = new ChatResilience.Simulator.History.RecordedHistory([]),
            Plan = LoadRunner.PlanFor(settings),
            LoadEndMs = 60_000,
            EndMs = 9_000,
            Interrupted = interrupted,
            Connects = [],
            Samples = [],
            ResourceSource = "none",
        };

        Assert.Equal(windows, LoadReport.Windows(settings, result).Count);
    }

    [Fact]
    public void Build_HarnessLag_IsTheWorstTickInTheWindow()
    {
        var samples = new[]
        {
            new LoadSample { AtMs = 1_000, HarnessLagMs = 3 }, new LoadSample { AtMs = 2_000, HarnessLagMs = 700 },
            new LoadSample { AtMs = 3_001, HarnessLagMs = 40 }, new LoadSample { AtMs = 4_000, HarnessLagMs = 10 },
        };

        var w = LoadWindowBuilder.Build([], 0, [], samples, TimeSpan.FromSeconds(2), 4_000);

        Assert.Equal([700L, 40L], w.Select(x => x.HarnessLagMaxMs));
    }

    [Fact]
    public void Build_DeliveryToAReaderWhoJoinedAfterTheIntendedSend_IsBackfillNotLatency()
    {
        var events = new List<HistoryEvent>
        {
            new SendAcceptedEvent { AtMs = 1_000, ClientId = "a", UserId = "ua", MessageId = "m1", Room = "r", IntendedAtMs = 1_000 },
            new DeliveredEvent { AtMs = 1_050, ClientId = "early", Room = "r", MessageId = "m1", SenderClientId = "a", SenderUserId = "ua" },
            new DeliveredEvent { AtMs = 4_000, ClientId = "late", Room = "r", MessageId = "m1", SenderClientId = "a", SenderUserId = "ua" },
        };
        var joined = new Dictionary<string, long> { ["a"] = 0, ["early"] = 500, ["late"] = 3_900 };

        var w = LoadWindowBuilder.Build(events, 0, [], [], TimeSpan.FromSeconds(5), 5_000, joined);
        var overall = LoadWindowBuilder.Latency(events, 0, joined).Online();

        Assert.Equal(1, w[0].DeliverySamples);
        Assert.InRange(w[0].DeliveryP99Ms, 49, 51);
        Assert.Equal(0.4, w[0].DeliveredPerSecond, 3); // both deliveries still count as throughput
        Assert.Equal(1, overall.Count);
        Assert.Equal(50, overall.Max);
    }
}
