using System.Diagnostics.Metrics;
using System.Threading.Channels;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.Core;

/// <summary>The server's scheduling-lag probe, on a fake clock: each tick records how much later than due it ran.</summary>
public sealed class SchedulingLagTests
{
    [Fact]
    public async Task EachTick_RecordsHowLateItRan_OncePerTick()
    {
        await using var h = new CoreHarness();
        var lags = Channel.CreateUnbounded<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this harness's server: tests run in parallel, each with a meter of the same name.
            if (instrument.Meter == h.Core.Metrics.Meter && instrument.Name == "chat.server.scheduling.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Writer.TryWrite(value));
        listener.Start();

        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await NextAsync());

        // The tick due one second later runs only when the clock reaches 4.5 s: 2.5 s late.
        h.Time.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(2.5, await NextAsync(), precision: 6);
        Assert.False(lags.Reader.TryRead(out _));

        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await NextAsync());

        Task<double> NextAsync() => lags.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
