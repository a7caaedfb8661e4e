using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class HarnessLoadTests
{
    [Fact]
    public void From_SummarisesEachProcess_NearestRankPercentilesWorstTickAndTicksOverTolerance()
    {
        // 100 ticks of worker 1: lag 1..100 ms, the worst (100 ms) at 100 s.
        var worker = Enumerable.Range(1, 100).Select(i => new SchedulingLagSample(i * 1_000L, i)).ToList();

        var load = HarnessLoad.From([new ProcessLagSamples("worker 1", worker)], TimeSpan.FromMilliseconds(95));

        var p = Assert.Single(load.Processes);
        Assert.Equal(new ProcessLag("worker 1", 100, 50, 99, 100, 100_000, 5), p);
        Assert.Equal(95, load.ToleranceMs);
        Assert.True(load.Saturated);
    }

    [Fact]
    public void Warning_NamesTheWorstProcessWhenAndHowOften_NullWhenEveryTickWasWithinTolerance()
    {
        var quiet = new ProcessLagSamples("coordinator", [new(1_000, 3), new(2_000, 4)]);
        var busy = new ProcessLagSamples("worker 2", [new(90_000, 2_500), new(95_000, 9_800), new(99_000, 40)]);
        var lessBusy = new ProcessLagSamples("worker 1", [new(95_000, 2_100)]);

        Assert.Null(HarnessLoad.From([quiet], TimeSpan.FromSeconds(2)).Warning);
        Assert.False(HarnessLoad.From([quiet], TimeSpan.FromSeconds(2)).Saturated);

        var warning = HarnessLoad.From([quiet, lessBusy, busy], TimeSpan.FromSeconds(2)).Warning;

        Assert.NotNull(warning);
        Assert.StartsWith("the harness ran behind its own schedule: worker 2 up to 9.8 s late (at 95 s), 2 of 3 ticks later than the 2000 ms scheduling tolerance (1 other process(es) too).", warning, StringComparison.Ordinal);
        Assert.Contains("The backoff, offline-replay and convergence checks allowed each wait", warning, StringComparison.Ordinal);

        // A load run has no timing checkers, so its warning does not claim they allowed for the lateness.
        var load = (HarnessLoad.From([busy], TimeSpan.FromSeconds(2)) with { ForLoadRun = true }).Warning!;
        Assert.DoesNotContain("checks allowed", load, StringComparison.Ordinal);
        Assert.Contains("waited as long. The latency SLOs, and the reconnects late heartbeats cause, describe this machine as much as the server: give the load processes cores", load, StringComparison.Ordinal);
    }

    [Fact]
    public void SloCaveat_OnlyForABreachedTimeSlo_OfASaturatedHarness()
    {
        var saturated = HarnessLoad.From([new ProcessLagSamples("worker 2", [new(95_000, 9_800)])], TimeSpan.FromSeconds(2));
        var calm = HarnessLoad.From([new ProcessLagSamples("worker 2", [new(95_000, 40)])], TimeSpan.FromSeconds(2));
        var breached = SloResult.Judge("delivery_latency_p99_ms", 1_000, 4_000, 100);
        var met = SloResult.Judge("delivery_latency_p99_ms", 1_000, 400, 100);
        var ratio = SloResult.Judge("connected_fraction_min", 0.99, 0.5, 100);

        Assert.Equal("the harness ran up to 9.8 s behind its own schedule (worker 2), so the breach may be the load machine's", saturated.SloCaveat(breached));
        Assert.Null(calm.SloCaveat(breached));
        Assert.Null(saturated.SloCaveat(met));
        Assert.Null(saturated.SloCaveat(ratio));
    }

    [Fact]
    public void From_LeavesOutProcessesWithoutSamples()
    {
        var load = HarnessLoad.From([new ProcessLagSamples("worker 1", [])], TimeSpan.FromSeconds(2));

        Assert.Empty(load.Processes);
        Assert.False(load.Saturated);
    }
}
