using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Tests.Load;

public sealed class SloBreakDetectorTests
{
    private static LoadWindow W(int i, int connections, double rate, double p99, long samples = 100, double connected = 1) => new()
    {
        Index = i,
        StartS = i * 5,
        EndS = (i + 1) * 5,
        Connections = connections,
        SentPerSecond = rate,
        DeliveryP99Ms = samples == 0 ? double.NaN : p99,
        DeliverySamples = samples,
        ConnectedFractionMin = connected,
        ConnectedSamples = 5,
    };

    [Fact]
    public void Detect_FirstBreachingWindow_ReportsItsLoad()
    {
        var windows = new[] { W(0, 100, 20, 200), W(1, 200, 40, 400), W(2, 300, 60, 900), W(3, 400, 80, 300) };

        var b = Assert.Single(SloBreakDetector.Detect(new Dictionary<string, double> { [SloMetrics.DeliveryLatencyP99Ms] = 500 }, windows));

        Assert.True(b.Broke);
        Assert.Equal(2, b.Window);
        Assert.Equal(300, b.Connections);
        Assert.Equal(60, b.MessagesPerSecond);
        Assert.Equal(900, b.Value);
        Assert.StartsWith("broke at 300 connections, 60 msg/s (window 2", b.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(250, false)]
    [InlineData(251, true)]
    [InlineData(18_000, true)]
    public void Detect_ABreakWhereTheLoadGeneratorRanBehind_SaysTheMachineMayBeWhatBroke(long lagMs, bool flagged)
    {
        var windows = new[] { W(0, 100, 20, 200), W(1, 200, 40, 900) with { HarnessLagMaxMs = lagMs } };

        var b = Assert.Single(SloBreakDetector.Detect(new Dictionary<string, double> { [SloMetrics.DeliveryLatencyP99Ms] = 500 }, windows, TimeSpan.FromMilliseconds(250)));

        Assert.Equal(flagged ? lagMs : null, b.HarnessLagMs);
        Assert.Equal(flagged, b.Describe().EndsWith($"the load generator ran up to {lagMs / 1000.0:0.0} s behind in that window, so the break may be this machine's", StringComparison.Ordinal));
    }

    [Fact]
    public void Detect_NeverBreached_HeldToTheHighestLoad()
    {
        var windows = new[] { W(0, 100, 20, 200), W(1, 250, 50, 300), W(2, 240, 45, 100) };

        var b = Assert.Single(SloBreakDetector.Detect(new Dictionary<string, double> { [SloMetrics.DeliveryLatencyP99Ms] = 500 }, windows));

        Assert.False(b.Broke);
        Assert.Equal(250, b.Connections);
        Assert.Equal(50, b.MessagesPerSecond);
        Assert.Equal(3, b.WindowsJudged);
        Assert.Equal("held to 250 connections, 50 msg/s", b.Describe());
    }

    [Fact]
    public void Detect_WindowsWithoutSamples_AreSkippedNotBreaches()
    {
        var windows = new[] { W(0, 100, 0, 0, samples: 0), W(1, 200, 40, 100) };

        var b = Assert.Single(SloBreakDetector.Detect(new Dictionary<string, double> { [SloMetrics.DeliveryLatencyP99Ms] = 50 }, windows));

        Assert.True(b.Broke);
        Assert.Equal(1, b.Window);
        Assert.Equal(1, b.WindowsJudged);
    }

    [Fact]
    public void Detect_LowerBound_BreaksBelowTheThreshold()
    {
        var windows = new[] { W(0, 100, 20, 10, connected: 1), W(1, 200, 40, 10, connected: 0.95) };

        var b = Assert.Single(SloBreakDetector.Detect(new Dictionary<string, double> { [SloMetrics.ConnectedFractionMin] = 0.99 }, windows));

        Assert.True(b.Broke);
        Assert.True(b.LowerBound);
        Assert.Equal(200, b.Connections);
    }

    [Fact]
    public void ExitCode_BrokeIs2_NotJudgedIs3_HarnessIs4_HeldIs0()
    {
        var held = new SloBreak { Metric = "m", Broke = false, WindowsJudged = 3 };
        var broke = held with { Broke = true };
        var notJudged = held with { WindowsJudged = 0 };

        Assert.Equal(0, LoadReport.ExitCode([held], null, interrupted: false));
        Assert.Equal(2, LoadReport.ExitCode([held, broke], null, interrupted: false));
        Assert.Equal(2, LoadReport.ExitCode([notJudged, broke], null, interrupted: false));
        Assert.Equal(3, LoadReport.ExitCode([held, notJudged], null, interrupted: false));
        Assert.Equal(4, LoadReport.ExitCode([broke], "watchdog", interrupted: false));
        Assert.Equal(4, LoadReport.ExitCode([held], null, interrupted: true));
    }

    [Fact]
    public void SloResults_NoWindowWithSamples_IsInconclusiveNotAPass()
    {
        var windows = new[] { W(0, 100, 20, 10, samples: 0) };
        var breaks = SloBreakDetector.Detect(new Dictionary<string, double> { [SloMetrics.DeliveryLatencyP99Ms] = 50 }, windows);

        var result = Assert.Single(LoadReport.SloResults(breaks, windows));

        Assert.True(result.Inconclusive);
        Assert.Null(result.Observed);
        Assert.Equal("not judged: no window had samples for it (inconclusive)", Assert.Single(breaks).Describe());
    }
}
