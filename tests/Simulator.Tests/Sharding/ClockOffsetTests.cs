using ChatResilience.Simulator.Sharding;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.Sharding;

public sealed class ClockOffsetTests
{
    private const double TrueOffsetMs = 2_500;

    [Fact]
    public async Task Measure_AsymmetricDelays_LeastRoundTripSampleWinsAndTheBoundHolds()
    {
        var time = new FakeTimeProvider();
        var start = time.GetTimestamp();
        double Local() => time.GetElapsedTime(start).TotalMilliseconds;

        // (up, down) delays per probe: queueing on the way up makes most probes lopsided; probe 4 is the quick one.
        (double Up, double Down)[] delays = [(40, 2), (25, 5), (60, 1), (3, 1), (30, 30)];
        var probe = 0;
        var offset = await ClockSync.MeasureAsync(Local, _ =>
        {
            var (up, down) = delays[probe++];
            time.Advance(TimeSpan.FromMilliseconds(up));
            var coordinator = Local() + TrueOffsetMs;
            time.Advance(TimeSpan.FromMilliseconds(down));
            return Task.FromResult(coordinator);
        }, samples: delays.Length);

        Assert.Equal(5, offset.Samples);
        Assert.Equal(2, offset.UncertaintyMs, 6);
        Assert.InRange(offset.OffsetMs, TrueOffsetMs - offset.UncertaintyMs, TrueOffsetMs + offset.UncertaintyMs);
        Assert.Equal(TrueOffsetMs + 1, offset.OffsetMs, 6);
    }

    [Fact]
    public void Estimate_SymmetricTrip_IsExact()
    {
        var offset = ClockOffset.Estimate([new ClockSample(100, 1_105 + 0.0, 110), new ClockSample(200, 1_300, 260)]);

        Assert.Equal(1_000, offset.OffsetMs, 6);
        Assert.Equal(5, offset.UncertaintyMs, 6);
    }

    [Fact]
    public void Estimate_NoSamplesOrATimeTravellingOne_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => ClockOffset.Estimate([]));
        Assert.Throws<ArgumentException>(() => ClockOffset.Estimate([new ClockSample(10, 5, 9)]));
    }
}
