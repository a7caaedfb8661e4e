using System.Globalization;
using System.Text;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports.Internal;
using ChatResilience.Simulator.Scenarios;
using static ChatResilience.Simulator.Reports.Internal.HtmlText;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// A load run's <c>report.html</c>: self-contained (inline SVG), with the SLO break table and four plots —
/// connections over time (<c>svg#load-connections-plot</c>), messages/s (<c>svg#load-rate-plot</c>), delivery p50/p99
/// per window with the SLO thresholds (<c>svg#load-latency-plot</c>) and server CPU and memory (<c>svg#load-server-plot</c>).
/// </summary>
public static class LoadHtmlReport
{
    public static string Build(LoadSummary summary, LoadSeries series)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(series);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>chatsim load ")
            .Append(E(summary.ScenarioName)).Append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:980px}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}")
            .Append(".held{background:#dfd}.broke{background:#fdd}.nodata{background:#ffd}code{background:#eee}</style></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>chatsim load: {E(summary.ScenarioName)} — exit {summary.ExitCode}</h1>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Repeat with <code>{E(summary.ReproCommand)}</code></p>\n<table>");
        var l = summary.Load;
        Row(html, "seed / commit / scenario hash", $"{summary.Seed} / {summary.GitCommit ?? "unknown"} / {summary.ScenarioSha256}");
        Row(html, "machine", $"{summary.Machine.Cores} cores, {summary.Machine.Os}, {summary.Machine.DotNet}");
        Row(html, "server under test / fault proxies", $"{summary.ServerUnderTest} / {summary.FaultProxies}");
        Row(html, "load processes", summary.LoadProcesses.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (summary.ProcessClocks is { Count: > 0 } clocks)
        {
            Row(html, "load process clocks (bound the merged latencies' error)", string.Join("; ", clocks.Select(c => c.Describe())));
        }
        Row(html, "ramp", $"{l.Target} connections at {l.RampRate}/s, hold {DurationText.Format(l.Hold)}, {l.MessageRatePerClient} msg/s per client, windows of {DurationText.Format(l.Window)}");
        Row(html, "peak connections / connect failures", $"{summary.PeakConnections} / {summary.ConnectFailures}");
        Row(html, "connect time ms p50/p90/p99/p99.9/max", Percentiles(summary.ConnectTime));
        Row(html, "delivery latency ms p50/p90/p99/p99.9/max", Percentiles(summary.DeliveryLatency));
        Row(html, "hold msg/s sent / acked / delivered", $"{summary.HoldRates.SentPerSecond:0.#} / {summary.HoldRates.AckedPerSecond:0.#} / {summary.HoldRates.DeliveredPerSecond:0.#}");
        Row(html, "errors (connect + failed + refused) / skipped before join", $"{summary.Errors} / {summary.SendsSkippedNotJoined}");
        HarnessLoadRows(html, summary.HarnessLoad);
        Row(html, "server CPU mean / max, memory max", $"{summary.Server.CpuPercentMean:0.#}% / {summary.Server.CpuPercentMax:0.#}%, {summary.Server.MemoryBytesMax / 1048576:0} MB ({summary.Server.Source})");
        if (summary.Server.SchedulingLagMsMax is { } lagMax)
        {
            Row(html, "server scheduling lag mean / worst second", $"{summary.Server.SchedulingLagMsMean:0.#} / {lagMax:0.#} ms");
        }
        if (summary.HarnessError is not null)
        {
            Row(html, "harness error", summary.HarnessError);
        }

        html.Append("</table>\n<h2>Load at which each SLO first broke</h2>\n<table><tr><th>SLO</th><th>threshold</th><th>result</th></tr>\n");
        foreach (var b in summary.SloBreaks)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(b.Broke ? "broke" : b.WindowsJudged == 0 ? "nodata" : "held")}\"><td>{E(b.Metric)}</td><td>{(b.LowerBound ? "≥" : "≤")} {b.Threshold}</td><td>{E(b.Describe())}</td></tr>\n");
        }

        html.Append("</table>\n<h2>Safety checkers</h2>\n<table><tr><th>checker</th><th>result</th><th>samples</th><th>first violation</th></tr>\n");
        if (summary.Invariants.Count == 0)
        {
            html.Append("<tr><td colspan=\"4\">skipped (--no-checks)</td></tr>\n");
        }

        foreach (var i in summary.Invariants)
        {
            var failed = i.Status == InvariantStatus.Failed;
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(failed ? "broke" : "held")}\"><td>{E(i.Name)}</td><td>{(failed ? $"{i.ViolationCount} violation(s)" : i.Status.ToString())}</td><td>{i.Samples}</td><td>{(failed && i.Violations.Count > 0 ? E(i.Violations[0].Message) : "")}</td></tr>\n");
        }

        html.Append("</table>\n<h2>Connections</h2>\n").Append(ConnectionsPlot(series));
        html.Append("<h2>Messages per second</h2>\n").Append(RatePlot(series));
        html.Append("<h2>Delivery latency per window</h2>\n").Append(LatencyPlot(summary, series));
        html.Append("<h2>Server CPU and memory</h2>\n").Append(ServerPlot(series));
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string ConnectionsPlot(LoadSeries s)
    {
        var plot = new SvgPlot("load-connections-plot", "Connections over time", "time since ramp start (s)", "connections");
        plot.AddLine([.. s.Samples.Select(p => (p.AtMs / 1000.0, (double)p.Started))], "#7f7f7f", "started");
        plot.AddLine([.. s.Samples.Select(p => (p.AtMs / 1000.0, (double)p.Connected))], "#2ca02c", "connected");
        return plot.Render();
    }

    private static string RatePlot(LoadSeries s)
    {
        var plot = new SvgPlot("load-rate-plot", "Messages per second (per window)", "time since ramp start (s)", "msg/s");
        plot.AddLine([.. s.Windows.Select(w => (w.EndS, w.SentPerSecond))], "#1f77b4", "sent");
        plot.AddLine([.. s.Windows.Select(w => (w.EndS, w.AckedPerSecond))], "#ff7f0e", "acked");
        plot.AddLine([.. s.Windows.Select(w => (w.EndS, w.DeliveredPerSecond))], "#2ca02c", "delivered");
        return plot.Render();
    }

    private static string LatencyPlot(LoadSummary summary, LoadSeries s)
    {
        var plot = new SvgPlot("load-latency-plot", "Delivery latency per window (intended send → delivered), SLO thresholds dashed", "time since ramp start (s)", "ms");
        var points = s.Windows.Where(w => w.DeliverySamples > 0).ToList();
        plot.AddLine([.. points.Select(w => (w.EndS, w.DeliveryP50Ms))], "#1f77b4", "p50");
        plot.AddLine([.. points.Select(w => (w.EndS, w.DeliveryP99Ms))], "#d62728", "p99");
        var end = s.Windows.Count == 0 ? 1 : s.Windows[^1].EndS;
        foreach (var b in summary.SloBreaks.Where(b => b.Metric.StartsWith("delivery_latency", StringComparison.Ordinal)))
        {
            plot.AddLine([(0, b.Threshold), (end, b.Threshold)], b.Metric.Contains("p99", StringComparison.Ordinal) ? "#ff9896" : "#aec7e8", $"SLO {b.Metric} {b.Threshold}");
        }

        return plot.Render();
    }

    private static string ServerPlot(LoadSeries s)
    {
        var plot = new SvgPlot("load-server-plot", "Server CPU (% of one core) and memory (MB)", "time since ramp start (s)", "% / MB");
        plot.AddLine([.. s.Samples.Where(p => p.ServerCpuPercent is not null).Select(p => (p.AtMs / 1000.0, p.ServerCpuPercent!.Value))], "#9467bd", "CPU %");
        plot.AddLine([.. s.Samples.Where(p => p.ServerMemoryBytes is not null).Select(p => (p.AtMs / 1000.0, p.ServerMemoryBytes!.Value / 1048576))], "#8c564b", "memory MB");
        return plot.Render();
    }
}
