using System.Globalization;
using System.Net;
using System.Text;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports.Internal;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// <c>report.html</c>: one self-contained page (inline SVG and CSS, nothing fetched) with the verdicts and three
/// plots — delivery latency percentiles per second (<c>svg#latency-plot</c>), connected clients with fault windows
/// shaded (<c>svg#connected-plot</c>) and reconnect delays against the policy envelope (<c>svg#reconnect-plot</c>).
/// </summary>
public static class HtmlReport
{
    /// <summary>Most reconnect delays drawn (a random-free, evenly strided subset beyond it keeps the page small).</summary>
    public const int MaxScatterPoints = 5_000;

    public static string Build(RunSummary summary, RecordedHistory history, CheckContext context, LatencyRecorder latency)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(latency);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>chatsim ")
            .Append(E(summary.ScenarioName)).Append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:980px}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}")
            .Append(".Passed{background:#dfd}.Failed{background:#fdd}.Inconclusive{background:#ffd}code{background:#eee}</style></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>chatsim: {E(summary.ScenarioName)} — exit {summary.ExitCode}</h1>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Repeat with <code>{E(summary.ReproCommand)}</code></p>\n");
        html.Append("<table>");
        Row(html, "seed", summary.Seed.ToString(CultureInfo.InvariantCulture));
        Row(html, "commit", summary.GitCommit ?? "unknown");
        Row(html, "scenario sha256", summary.ScenarioSha256);
        Row(html, "fault hash", summary.FaultHash);
        Row(html, "machine", $"{summary.Machine.Cores} cores, {summary.Machine.Os}, {summary.Machine.DotNet}");
        Row(html, "started / duration", $"{summary.StartedAt:O} / {summary.Duration}");
        Row(html, "clients", summary.ClientCount.ToString(CultureInfo.InvariantCulture));
        var c = summary.Counts;
        Row(html, "sent / acked / failed / delivered / reconnects", $"{c.Sent} / {c.Acked} / {c.Failed} / {c.Delivered} / {c.Reconnects}");
        Row(html, "online latency ms p50/p90/p99/p99.9/max", Percentiles(summary.OnlineLatency));
        Row(html, "offline reconciliation ms p50/p90/p99/p99.9/max", Percentiles(summary.OfflineLatency));
        html.Append("</table>\n<h2>Invariants</h2>\n<table><tr><th>checker</th><th>status</th><th>samples (min)</th><th>violations</th><th>first violation / details</th></tr>\n");
        foreach (var r in summary.Invariants)
        {
            var note = r.Violations.FirstOrDefault()?.Message ?? r.InconclusiveReason ?? string.Join(", ", r.Details.Select(d => $"{d.Key}={d.Value}"));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"{r.Status}\"><td>{E(r.Name)}</td><td>{r.Status}</td><td>{r.Samples} ({r.MinSamples})</td><td>{r.ViolationCount}</td><td>{E(note)}</td></tr>\n");
        }

        html.Append("</table>\n<h2>SLOs</h2>\n<table><tr><th>SLO</th><th>observed</th><th>threshold</th><th></th></tr>\n");
        foreach (var s in summary.Slos)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"{(s.Passed ? "Passed" : "Failed")}\"><td>{E(s.Name)}</td><td>{s.Observed} {E(s.Unit)}</td><td>{s.Threshold} {E(s.Unit)}</td><td>{(s.Passed ? "ok" : "breached")}</td></tr>\n");
        }

        html.Append("</table>\n<h2>Delivery latency</h2>\n").Append(LatencyPlot(latency));
        html.Append("<h2>Connected clients and faults</h2>\n").Append(ConnectedPlot(history));
        html.Append("<h2>Reconnect delays against the policy</h2>\n").Append(ReconnectPlot(history, context));
        html.Append("</body></html>\n");
        return html.ToString();
    }

    public static Task WriteAsync(string path, string html, CancellationToken cancellationToken = default) =>
        File.WriteAllTextAsync(path, html, cancellationToken);

    private static string LatencyPlot(LatencyRecorder latency)
    {
        var plot = new SvgPlot("latency-plot", "Online delivery latency per second", "run time (s)", "latency (ms)");
        var series = latency.PerSecond();
        plot.AddLine([.. series.Select(s => ((double)s.Second, (double)s.P50))], "#1f77b4", "p50");
        plot.AddLine([.. series.Select(s => ((double)s.Second, (double)s.P90))], "#ff7f0e", "p90");
        plot.AddLine([.. series.Select(s => ((double)s.Second, (double)s.P99))], "#d62728", "p99");
        return plot.Render();
    }

    private static string ConnectedPlot(RecordedHistory history)
    {
        var plot = new SvgPlot("connected-plot", "Connected clients (fault windows shaded)", "run time (s)", "clients");
        var connected = new HashSet<string>(StringComparer.Ordinal);
        var points = new List<(double X, double Y)>();
        var openFaults = new Dictionary<string, long>(StringComparer.Ordinal);
        var firstSpan = true;
        foreach (var e in history.Events)
        {
            var changed = e switch
            {
                ConnectAttemptEvent { Outcome: "connected" } a => connected.Add(a.ClientId),
                ConnectionClosedEvent x => connected.Remove(x.ClientId),
                HarnessEvent { Kind: HarnessEventKinds.ClientCrash, ClientId: { } crashed } => connected.Remove(crashed),
                _ => false,
            };
            if (changed)
            {
                var x = e.AtMs / 1000.0;
                if (points.Count > 0 && x - points[^1].X < 0.1)
                {
                    points[^1] = (points[^1].X, connected.Count); // ≤ 10 points a second keep the page small
                }
                else
                {
                    points.Add((x, connected.Count));
                }
            }

            if (e is FaultEvent f)
            {
                if (f.Action == "applied")
                {
                    openFaults.TryAdd(f.FaultId, f.AtMs);
                }
                else if (openFaults.Remove(f.FaultId, out var from))
                {
                    plot.AddXSpan(from / 1000.0, f.AtMs / 1000.0, "#d62728", firstSpan ? "fault active" : null);
                    firstSpan = false;
                }
            }
        }

        var end = history.Events.Count > 0 ? history.Events[^1].AtMs : 0;
        foreach (var from in openFaults.Values)
        {
            plot.AddXSpan(from / 1000.0, end / 1000.0, "#d62728", firstSpan ? "fault active" : null);
            firstSpan = false;
        }

        plot.AddLine(points, "#2ca02c", "connected");
        return plot.Render();
    }

    private static string ReconnectPlot(RecordedHistory history, CheckContext context)
    {
        var plot = new SvgPlot("reconnect-plot", "Reconnect delay by attempt (boxes: policy envelope)", "attempt", "delay (ms)");
        var samples = BackoffWithinPolicy.Observe(history, context);
        var stride = Math.Max(1, samples.Count / MaxScatterPoints);
        var shown = samples.Where((_, i) => i % stride == 0 || !samples[i].Within).ToList();
        var maxAttempt = shown.Count == 0 ? 6 : Math.Max(1, shown.Max(s => s.Attempt));
        for (var n = 1; n <= maxAttempt; n++)
        {
            var (min, max) = context.Reconnect.Bounds(n);
            plot.AddBox(n - 0.3, n + 0.3, min.TotalMilliseconds, max.TotalMilliseconds, "#9ecae1", n == 1 ? "policy [min, max]" : null);
        }

        // A small deterministic horizontal spread per point so equal delays of one attempt stay visible.
        static (double, double) At(ReconnectDelaySample s, int i) => (s.Attempt + ((i % 7) - 3) * 0.03, s.DelayMs);
        plot.AddPoints([.. shown.Where(s => s.Within && s.HintMs is null).Select(At)], "#1f77b4", "delay");
        plot.AddPoints([.. shown.Where(s => s.Within && s.HintMs is not null).Select(At)], "#9467bd", "hinted delay");
        plot.AddPoints([.. shown.Where(s => !s.Within).Select(At)], "#d62728", "outside policy");
        return plot.Render();
    }

    private static void Row(StringBuilder html, string key, string value) =>
        html.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static string Percentiles(LatencyPercentiles p) =>
        p.Count == 0 ? "none" : $"{p.P50} / {p.P90} / {p.P99} / {p.P999} / {p.Max} (n={p.Count})";

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
