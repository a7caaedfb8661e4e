using ChatResilience.Simulator.Load.Sharded.Remote;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Tests.Sharding;

/// <summary>A process's clock measured at the start and the end of its share: the offset between, and how it is shown.</summary>
public sealed class ClockDriftTests
{
    // Coordinator ms ≈ local ms + offset: 100 ms when the share starts (local 1,000), 40 ms an hour later, as a clock
    // running ~17 ppm fast would.
    private static readonly ClockDrift Drifting = new(1_000, new ClockOffset(100, 0.4, 8), 3_601_000, new ClockOffset(40, 0.6, 8));

    [Theory]
    [InlineData(1_000, 100)]
    [InlineData(1_801_000, 70)]
    [InlineData(3_601_000, 40)]
    [InlineData(0, 100.016667)] // before the first measurement (the runner's zero may precede it): the same line
    [InlineData(3_661_000, 39)] // after the last (the upload's last events)
    public void OffsetAt_FollowsTheLineThroughBothMeasurements(double localMs, double offsetMs) =>
        Assert.Equal(offsetMs, Drifting.OffsetAt(localMs), 3);

    [Fact]
    public void ShiftFor_MovesEachRecordedTimeByTheOffsetAtItsOwnInstant()
    {
        // The runner's zero was local 1,000: a time recorded at the start moves by zero + 100, one an hour in by zero + 40,
        // where the offset probed once would have put it 60 ms late.
        Assert.Equal(1_100, Drifting.ShiftFor(1_000, 0));
        Assert.Equal(1_040, Drifting.ShiftFor(1_000, 3_600_000));
        Assert.Equal(-60, Drifting.DriftMs);
        // A worker whose second probe failed keeps its first offset as the end: no drift, one shift for the whole run.
        var start = new ClockOffset(100, 0.4, 8);
        var once = new ClockDrift(1_000, start, 3_601_000, start);
        Assert.Equal(1_100, once.ShiftFor(1_000, 3_600_000));
        Assert.Equal(0, once.DriftMs);
    }

    [Fact]
    public void Describe_ShowsTheEndAndTheDriftOnlyWhenMeasured()
    {
        Assert.Equal("clock offset +100.0 ms ± 0.4", ClockDrift.Describe(100, 0.4, null, null));
        Assert.Equal("clock offset +100.0 ms ± 0.4 at the start, +40.0 ms ± 0.6 at the end (drift -60.0 ms)", ClockDrift.Describe(100, 0.4, 40, 0.6));
        Assert.Equal(
            "load process 1/2 on h: clock offset -0.1 ms ± 0.2 at the start, 0.0 ms ± 0.3 at the end (drift +0.1 ms)",
            new ProcessClock("load process 1/2", "h", -0.1, 0.2, 0.0, 0.3).Describe());
        Assert.Equal("clock offset +1.5 ms ± 0.2", new WorkerInfo(1, 10, 1.5, 0.2, 0, 0, 0).DescribeClock());
    }
}
