using ChatResilience.Chaos.Faults;

namespace ChatResilience.Chaos.Tests.Faults;

public class FaultTimelineTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Build_OrdersByTime_RemovalsFirstAtTies_ThenIndex()
    {
        Fault[] faults =
        [
            new LatencyFault { Proxy = "a", Start = S(5), Duration = S(5) },
            new DownFault { Proxy = "b", Start = S(10) },
            new NoopFault { Proxy = "c", Start = S(0), Duration = S(10) },
            new NoopFault { Proxy = "d", Start = S(10) },
        ];
        var plan = FaultTimeline.Build(faults);
        Assert.Equal(
            ["0 Apply 2", "5 Apply 0", "10 Remove 0", "10 Remove 2", "10 Apply 1", "10 Apply 3"],
            plan.Select(a => $"{a.At.TotalSeconds} {a.Kind} {a.FaultIndex}"));
    }

    [Fact]
    public void Build_WithoutDuration_HasNoRemoval() =>
        Assert.Single(FaultTimeline.Build([new DownFault { Proxy = "a" }]));
}
