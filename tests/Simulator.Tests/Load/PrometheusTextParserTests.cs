using ChatResilience.Server.Hosting;
using ChatResilience.Simulator.Load;

namespace ChatResilience.Simulator.Tests.Load;

public sealed class PrometheusTextParserTests
{
    [Fact]
    public async Task Parse_TheServersRealMetricsEndpoint_ReadsItsSeries()
    {
        await using var host = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) }; // a bound: the first request JIT-compiles the endpoints

        var text = await http.GetStringAsync(new Uri(host.BaseUri, "/metrics"));
        var samples = PrometheusTextParser.Parse(text);

        Assert.NotEmpty(samples);
        Assert.Contains(samples, s => s.Name.StartsWith("chat_server_", StringComparison.Ordinal));
        Assert.Equal(text.Split('\n').Count(l => l.Length > 0 && l[0] != '#'), samples.Count);
        var resources = ResourceReading.From(samples); // the System.Runtime meter's process CPU and working set
        Assert.True(resources.CpuSeconds > 0, text);
        Assert.True(resources.MemoryBytes > 1_000_000, text);
    }

    [Fact]
    public void Parse_LabelsEscapesSpecialValuesAndTimestamps()
    {
        const string text = """
            # HELP dotnet_process_cpu_time_seconds_total CPU time used by the process.
            # TYPE dotnet_process_cpu_time_seconds_total counter
            dotnet_process_cpu_time_seconds_total{cpu_mode="user"} 12.5
            dotnet_process_cpu_time_seconds_total{cpu_mode="system"} 2.5 1732665600000
            dotnet_process_memory_working_set_bytes 1.2345e+08
            chat_server_nacks_total{code="rate_limited",note="a \"quoted\" \\ value"} 3
            weird_gauge NaN
            up +Inf
            """;

        var samples = PrometheusTextParser.Parse(text);

        Assert.Equal(6, samples.Count);
        Assert.Equal("a \"quoted\" \\ value", samples[3].Labels["note"]);
        Assert.True(double.IsNaN(samples[4].Value));
        Assert.True(double.IsPositiveInfinity(samples[5].Value));
        var r = ResourceReading.From(samples);
        Assert.Equal(15.0, r.CpuSeconds);
        Assert.Equal(123_450_000, r.MemoryBytes);
    }

    [Theory]
    [InlineData("metric{a=\"unterminated} 1")]
    [InlineData("metric not-a-number")]
    [InlineData("{a=\"b\"} 1")]
    public void Parse_MalformedLine_ThrowsNamingTheLine(string line)
    {
        var e = Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("ok 1\n" + line));

        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SchedulingLag_IsTheMeanOfTheTicksBetweenTwoScrapes()
    {
        static ResourceReading Read(double sum, double count) => ResourceReading.From(PrometheusTextParser.Parse($"""
            # TYPE chat_server_scheduling_lag_seconds histogram
            chat_server_scheduling_lag_seconds_count {count}
            chat_server_scheduling_lag_seconds_sum {sum}
            """));

        var first = Read(0.25, 10);
        Assert.Equal((0.25, 10.0), (first.LagSecondsSum!.Value, first.LagTicks!.Value));

        // Two ticks since, 0.5 s late between them.
        Assert.Equal(250, ResourceReading.MeanLagMs(first, Read(0.75, 12)));
        Assert.Null(ResourceReading.MeanLagMs(first, Read(0.25, 10))); // no tick ran
        Assert.Null(ResourceReading.MeanLagMs(null, first));
        Assert.Null(ResourceReading.MeanLagMs(first, ResourceReading.From(PrometheusTextParser.Parse("up 1")))); // a server without the series
    }

    [Fact]
    public void CpuPercent_IsCpuSecondsOverWallSeconds()
    {
        Assert.Equal(150, ResourceReading.CpuPercent(10, 13, TimeSpan.FromSeconds(2)));
        Assert.Null(ResourceReading.CpuPercent(null, 13, TimeSpan.FromSeconds(2)));
        Assert.Null(ResourceReading.CpuPercent(10, 13, TimeSpan.Zero));
    }
}
