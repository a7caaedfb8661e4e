using System.Diagnostics.Metrics;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Server.Tests.Hosting;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void ObservableCounter_ReportsItsRunningTotal_NotASumOfScrapes()
    {
        var name = "test.exporter." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(name);
        using var meter = new Meter(name);
        long total = 5;
        meter.CreateObservableCounter("work.done", () => total, "{item}");
        meter.CreateObservableGauge("queue.length", () => 3L, "{item}");
        var counter = meter.CreateCounter<long>("frames", "{frame}");
        counter.Add(2);
        counter.Add(3);

        var first = exporter.Scrape();
        total = 7;
        var second = exporter.Scrape();

        Assert.Contains("# TYPE work_done_total counter", first, StringComparison.Ordinal);
        Assert.Contains("work_done_total 5\n", first, StringComparison.Ordinal);
        Assert.Contains("work_done_total 7\n", second, StringComparison.Ordinal);
        Assert.Contains("queue_length 3\n", second, StringComparison.Ordinal);
        Assert.Contains("frames_total 5\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counter_ConcurrentAdds_AreNotLost()
    {
        var name = "test.exporter." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(name);
        using var meter = new Meter(name);
        var counter = meter.CreateCounter<long>("adds", "{add}");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(1);
            }
        })));

        Assert.Contains("adds_total 40000\n", exporter.Scrape(), StringComparison.Ordinal);
    }
}
