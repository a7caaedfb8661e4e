using ChatResilience.Simulator.Harness;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.Harness;

public sealed class SchedulingLagProbeTests
{
    [Fact]
    public async Task DelayAsync_RecordsHowMuchLaterThanAskedTheWaitEnded_StampedOnTheRunClock()
    {
        var time = new FakeTimeProvider();
        var runClockMs = 0L;
        var probe = new SchedulingLagProbe(time, () => runClockMs);

        var onTime = probe.DelayAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        runClockMs = 1_000;
        time.Advance(TimeSpan.FromSeconds(1));
        await onTime;

        // A starved process: the clock moved 3.5 s before the 1 s wait's continuation could run.
        var late = probe.DelayAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        runClockMs = 4_500;
        time.Advance(TimeSpan.FromMilliseconds(3_500));
        await late;

        Assert.Equal([new SchedulingLagSample(1_000, 0), new SchedulingLagSample(4_500, 2_500)], probe.Snapshot());
    }

    [Fact]
    public async Task DelayAsync_Cancelled_RecordsNothing()
    {
        var time = new FakeTimeProvider();
        var probe = new SchedulingLagProbe(time, () => 0);
        using var stop = new CancellationTokenSource();

        var wait = probe.DelayAsync(TimeSpan.FromSeconds(1), stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Empty(probe.Snapshot());
    }
}
