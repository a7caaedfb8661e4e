using ChatResilience.Simulator.Load;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.Load;

public sealed class RampScheduleTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 40)]
    [InlineData(25, 1000)]
    [InlineData(99, 3960)]
    public void StartOffset_At25PerSecond_IsIndexOverRate(int index, int expectedMs)
    {
        var ramp = new RampSchedule(100, 25);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ramp.StartOffset(index));
    }

    [Fact]
    public void StartedBy_CountsEveryConnectionWhoseInstantHasPassed()
    {
        var ramp = new RampSchedule(10, 4);

        Assert.Equal(0, ramp.StartedBy(TimeSpan.FromMilliseconds(-1)));
        Assert.Equal(1, ramp.StartedBy(TimeSpan.Zero));
        Assert.Equal(4, ramp.StartedBy(TimeSpan.FromMilliseconds(999)));
        Assert.Equal(5, ramp.StartedBy(TimeSpan.FromSeconds(1)));
        Assert.Equal(10, ramp.StartedBy(TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(2250), ramp.Duration);
    }

    [Fact]
    public async Task RampDriver_OnFakeTime_StartsConnectionsAtTheirInstants()
    {
        var time = new FakeTimeProvider();
        var ramp = new RampSchedule(10, 5); // one every 200 ms
        var started = new List<(int Index, TimeSpan At)>();
        var began = time.GetTimestamp();
        var driver = new RampDriver(ramp, time);

        var run = driver.RunAsync(i =>
        {
            lock (started)
            {
                started.Add((i, time.GetElapsedTime(began)));
            }

            return Task.CompletedTask;
        });

        Assert.Single(started); // connection 0 at once
        for (var step = 0; step < 9; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(199));
            Assert.Equal(step + 1, started.Count); // nothing early
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(step + 2, started.Count);
        }

        var tasks = await run.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System);
        Assert.Equal(10, tasks.Count);
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => TimeSpan.FromMilliseconds(200 * i))], started.Select(s => s.At));
    }

    [Fact]
    public async Task RampDriver_OneLoadProcessesShare_StartsOnlyItsIndexesAtTheirInstantsOfTheWholeRamp()
    {
        var time = new FakeTimeProvider();
        var started = new List<(int Index, TimeSpan At)>();
        var began = time.GetTimestamp();

        var run = new RampDriver(new RampSchedule(6, 5), time).RunAsync(
            i =>
            {
                lock (started)
                {
                    started.Add((i, time.GetElapsedTime(began)));
                }

                return Task.CompletedTask;
            },
            include: i => i % 2 == 1);
        for (var step = 0; step < 5; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var tasks = await run.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System);
        Assert.Equal(3, tasks.Count);
        Assert.Equal([(1, TimeSpan.FromMilliseconds(200)), (3, TimeSpan.FromMilliseconds(600)), (5, TimeSpan.FromMilliseconds(1000))], started);
    }

    [Fact]
    public async Task RampDriver_SlowConnects_DoNotSlowTheRamp()
    {
        var time = new FakeTimeProvider();
        var never = new TaskCompletionSource();
        var count = 0;
        var run = new RampDriver(new RampSchedule(5, 10), time).RunAsync(_ =>
        {
            Interlocked.Increment(ref count);
            return never.Task; // a connect that never finishes
        });

        time.Advance(TimeSpan.FromMilliseconds(400));

        var tasks = await run.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System);
        Assert.Equal(5, count);
        Assert.All(tasks, t => Assert.False(t.IsCompleted));
    }
}
