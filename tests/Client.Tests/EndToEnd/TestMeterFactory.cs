using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ChatResilience.Client.Tests.EndToEnd;

/// <summary>An <see cref="IMeterFactory"/> that remembers its meters so a listener can pick only this test's.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    public ConcurrentBag<Meter> Created { get; } = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        Created.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in Created)
        {
            meter.Dispose();
        }
    }
}
