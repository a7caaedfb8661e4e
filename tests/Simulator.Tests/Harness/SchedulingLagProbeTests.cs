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
    public async Task RunAsync_TicksAgainAndAgainUntilCancelled_ThenEndsQuietly()
    {
        var time = new FakeTimeProvider();
        var probe = new SchedulingLagProbe(time, () => 0);
        using var stop = new CancellationTokenSource();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var run = probe.RunAsync(TimeSpan.FromMilliseconds(100), stop.Token);

        // Each tick arms the next timer in its continuation; the clock moves on until three ticks have run.
        while (probe.Snapshot().Count < 3)
        {
            timeout.Token.ThrowIfCancellationRequested();
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        await stop.CancelAsync();
        await run;

        Assert.True(run.IsCompletedSuccessfully);
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
