using System.Threading.Channels;
using ChatResilience.Chaos.Faults;
using ChatResilience.Chaos.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Chaos.Tests.Faults;

public class FaultScheduleTests
{
    /// <summary>Records every call with the fake time it happened at.</summary>
    private sealed class RecordingInjector(TimeProvider time) : IFaultInjector
    {
        private readonly long _start = time.GetTimestamp();

        public Channel<string> Calls { get; } = Channel.CreateUnbounded<string>();

        public string? FailProxy { get; init; }

        public Task<IAppliedFault> ApplyAsync(Fault fault, CancellationToken cancellationToken = default)
        {
            if (fault.Proxy == FailProxy)
            {
                throw new InvalidOperationException("proxy not found");
            }

            Calls.Writer.TryWrite($"{time.GetElapsedTime(_start).TotalSeconds} apply {fault.Proxy}");
            return Task.FromResult<IAppliedFault>(new Applied(this, fault));
        }

        public Task ResetAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        private sealed class Applied(RecordingInjector owner, Fault fault) : IAppliedFault
        {
            public Fault Fault => fault;

            public Task RemoveAsync(CancellationToken cancellationToken = default)
            {
                owner.Calls.Writer.TryWrite($"{owner.TimeNow().TotalSeconds} remove {fault.Proxy}");
                return Task.CompletedTask;
            }
        }

        private TimeSpan TimeNow() => time.GetElapsedTime(_start);
    }

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public Task Run_AppliesAndRemovesAtTheirTimes_OnTheFakeClock() => Task.Run(async () =>
    {
        var time = new FakeTimeProvider();
        var injector = new RecordingInjector(time);
        var schedule = new FaultSchedule(
            [new LatencyFault { Proxy = "a", Start = S(5), Duration = S(10) }, new DownFault { Proxy = "b", Start = S(8) }],
            injector,
            time);
        var run = schedule.RunAsync();
        time.Advance(S(4.9));
        Assert.False(injector.Calls.Reader.TryRead(out _));
        time.Advance(S(0.1));
        Assert.Equal("5 apply a", await injector.Calls.Reader.ReadAsync().AsTask().WithinLimit());
        time.Advance(S(3));
        Assert.Equal("8 apply b", await injector.Calls.Reader.ReadAsync().AsTask().WithinLimit());
        time.Advance(S(7));
        Assert.Equal("15 remove a", await injector.Calls.Reader.ReadAsync().AsTask().WithinLimit());
        await run.WithinLimit();

        await schedule.RemoveActiveAsync();
        Assert.Equal("15 remove b", await injector.Calls.Reader.ReadAsync().AsTask().WithinLimit());
        Assert.Equal(
            ["50000000 Apply #0 latency a Downstream ok", "80000000 Apply #1 down b Downstream ok", "150000000 Remove #0 latency a Downstream ok", "150000000 Remove #1 down b Downstream ok"],
            schedule.Executed.Select(e => e.ToCanonicalString()));
    });

    [Fact]
    public Task Run_RecordsFailuresAndGoesOn() => Task.Run(async () =>
    {
        var time = new FakeTimeProvider();
        var injector = new RecordingInjector(time) { FailProxy = "missing" };
        var schedule = new FaultSchedule(
            [new NoopFault { Proxy = "missing", Duration = S(1) }, new NoopFault { Proxy = "ok", Start = S(2) }],
            injector,
            time);
        var run = schedule.RunAsync();
        time.Advance(S(2));
        await run.WithinLimit();
        var executed = schedule.Executed;
        Assert.Equal("proxy not found", executed[0].Error);
        Assert.Equal("not applied", executed[1].Error);
        Assert.Null(executed[2].Error);
    });

    [Fact]
    public void Constructor_RejectsInvalidFaults_ListingEach()
    {
        var error = Assert.Throws<FaultValidationException>(() => new FaultSchedule(
            [new LatencyFault { Proxy = "", Latency = TimeSpan.FromMilliseconds(-1) }],
            new RecordingInjector(TimeProvider.System),
            TimeProvider.System));
        Assert.Equal(2, error.Problems.Count);
    }
}
