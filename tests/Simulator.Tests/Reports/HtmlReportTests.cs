using System.Xml.Linq;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Tests.Invariants;
using static ChatResilience.Simulator.Tests.Reports.ReportSamples;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class HtmlReportTests
{
    private static RecordedHistory History() => new HistoryBuilder()
        .Attempt(0, "a").Attempt(0, "b")
        .Fault(1_000, "applied").Closed(1_200, "a").Attempt(1_210, "a", "failed").Attempt(1_290, "a")
        .Fault(3_000, "removed")
        .Post(4_000, "a", 1, "r1", 1, "a", "b").Post(5_000, "b", 1, "r1", 2, "a", "b")
        .Build();

    [Fact]
    public void Build_HasTheThreePlotsAsInlineSvgWithIds()
    {
        var history = History();
        var html = HtmlReport.Build(Summary([Passed("A"), Failed("B")], [Slo("p99", true)]), history, HistoryBuilder.Context(), LatencyRecorder.FromHistory(history));

        foreach (var id in new[] { "latency-plot", "connected-plot", "reconnect-plot" })
        {
            var start = html.IndexOf($"<svg id=\"{id}\"", StringComparison.Ordinal);
            Assert.True(start >= 0, $"no svg#{id}");
            var end = html.IndexOf("</svg>", start, StringComparison.Ordinal) + "</svg>".Length;
            var svg = XElement.Parse(html[start..end]); // each plot is well-formed XML
            Assert.Contains(svg.Descendants(), e => e.Name.LocalName is "polyline" or "circle");
        }

        Assert.Contains("fault active", html, StringComparison.Ordinal);
        Assert.Contains("lost &lt;m1&gt; &amp; more", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReconnectPlot_ShowsADelayTheHarnessMadeLateApartFromOnesOutsidePolicy()
    {
        // After a healthy connection the retry should be immediate (± 20 ms); this one came 900 ms later.
        var history = new HistoryBuilder().Attempt(0, "a").Closed(5_000, "a").Attempt(5_900, "a").Post(6_000, "a", 1, "r1", 1, "a").Build();

        string Circles(CheckContext context, string color)
        {
            var html = HtmlReport.Build(Summary([Passed("A")], []), history, context, LatencyRecorder.FromHistory(history));
            var start = html.IndexOf("<svg id=\"reconnect-plot\"", StringComparison.Ordinal);
            var svg = XElement.Parse(html[start..(html.IndexOf("</svg>", start, StringComparison.Ordinal) + "</svg>".Length)]);
            return string.Join(",", svg.Descendants().Where(e => e.Name.LocalName == "circle").Select(e => (string)e.Attribute("fill")!).Where(f => f == color));
        }

        Assert.Equal("#ff7f0e", Circles(HistoryBuilder.LaggingContext((5_850, 1_000)), "#ff7f0e"));
        Assert.Empty(Circles(HistoryBuilder.LaggingContext((5_850, 1_000)), "#d62728"));
        Assert.Equal("#d62728", Circles(HistoryBuilder.Context(), "#d62728"));
    }

    [Fact]
    public void Build_HarnessLoad_RowPerProcessAndTheSaturationWarning()
    {
        var history = History();
        var load = HarnessLoad.From(
            [new ProcessLagSamples("coordinator", [new(1_000, 4)]), new ProcessLagSamples("worker 1", [new(2_000, 3_300)])], TimeSpan.FromSeconds(2));

        var html = HtmlReport.Build(Summary([Passed("A")], []) with { HarnessLoad = load }, history, HistoryBuilder.Context(), LatencyRecorder.FromHistory(history));

        Assert.Contains("<th>scheduling lag of coordinator, ms p50/p99/max</th><td>4 / 4 / 4 (0 of 1 ticks over the 2000 ms tolerance)</td>", html, StringComparison.Ordinal);
        Assert.Contains("<th>scheduling lag of worker 1, ms p50/p99/max</th><td>3300 / 3300 / 3300 (1 of 1 ticks over the 2000 ms tolerance)</td>", html, StringComparison.Ordinal);
        Assert.Contains("<th>warning</th><td>the harness ran behind its own schedule: worker 1 up to 3.3 s late (at 2 s)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FailedChecker_ShowsItsViolationsWithTheServerLinesOfTheirMoment()
    {
        var history = History();
        ServerLogLine[] log =
        [
            new() { AtMs = 100, EventId = 3000, Message = "listening" },
            new() { AtMs = 1_400, Level = "Warning", EventId = 1009, Message = "Replay of r1 found a <hole>" },
            new() { AtMs = 9_000, EventId = 1014, Message = "shutting down" },
        ];

        var html = HtmlReport.Build(Summary([Passed("A"), Failed("B")], []), history, HistoryBuilder.Context(), LatencyRecorder.FromHistory(history), log);

        Assert.Contains("<b>B</b> at 1500 ms: lost &lt;m1&gt; &amp; more (2 server log lines)", html, StringComparison.Ordinal);
        Assert.Contains("Replay of r1 found a &lt;hole&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("shutting down", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EmptyHistory_StillRendersThePlots()
    {
        var html = HtmlReport.Build(Summary([], []), new RecordedHistory([]), HistoryBuilder.Context(), new LatencyRecorder());

        Assert.Equal(3, html.Split("<svg id=", StringSplitOptions.None).Length - 1);
    }
}
