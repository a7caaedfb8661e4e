using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class HarnessLagTimelineTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void WorstDuring_TakesTheTicksThatEndedInTheWindowOrWithinOneIntervalAfterIt()
    {
        var timeline = new HarnessLagTimeline(
            [new ProcessLagSamples("chatsim", [new(900, 5_000), new(1_000, 40), new(1_500, 700), new(2_100, 300), new(2_101, 9_000)])], Interval);

        // 900 ended before the window, 2 101 more than one interval after it.
        Assert.Equal(700, timeline.WorstDuring(1_000, 2_000));

        // A stall that held up the wait ends it and the next tick alike; that tick may come just after the wait did.
        Assert.Equal(300, timeline.WorstDuring(1_600, 2_000));
        Assert.Equal(0, timeline.WorstDuring(3_000, 4_000));
        Assert.Equal(0, HarnessLagTimeline.None.WorstDuring(0, long.MaxValue / 2));
    }

    [Fact]
    public void WorstAround_TakesTheTicksWithinOneIntervalOfTheInstant()
    {
        var timeline = new HarnessLagTimeline(
            [new ProcessLagSamples("chatsim", [new(1_000, 5_000), new(1_950, 40), new(2_050, 700), new(2_150, 9_000)])], Interval);

        // 1 000 ended long before 2 000: lateness then did not move what ended at 2 000; 2 150 is more than one interval after.
        Assert.Equal(700, timeline.WorstAround(2_000));
        Assert.Equal(40, timeline.WorstAround(1_900));
        Assert.Equal(0, timeline.WorstAround(1_500));
    }

    [Fact]
    public void WorstDuring_PoolsTheWorkers_LeavesOutTheCoordinatorWhichHostsNoClients()
    {
        var timeline = new HarnessLagTimeline(
            [
                new ProcessLagSamples(ProcessLagSamples.Coordinator, [new(1_000, 9_000)]),
                new ProcessLagSamples("worker 1", [new(1_000, 200)]),
                new ProcessLagSamples("worker 2", [new(1_000, 600), new(1_200, 10)]),
            ],
            Interval);

        Assert.Equal(600, timeline.WorstDuring(1_000, 1_000));
    }

    [Fact]
    public void LateAllowance_IsTheToleranceOnTopOfTheWorstLateness()
    {
        var context = HistoryBuilder.LaggingContext((1_500, 700));

        Assert.Equal(20 + 700, context.LateAllowanceMs(1_000, 2_000));
        Assert.Equal(20, context.LateAllowanceMs(5_000, 6_000));
    }
}
