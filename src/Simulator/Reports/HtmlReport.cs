using System.Globalization;
using System.Text;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports.Internal;
using static ChatResilience.Simulator.Reports.Internal.HtmlText;

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

    /// <summary>Violations shown per failed checker, each with the server's log lines of its moment. 3.</summary>
    public const int ViolationsShownPerChecker = 3;

    /// <summary>Server log lines shown per violation (the full slice is in <c>violations/</c>). 40.</summary>
    public const int ServerLinesShown = 40;

    /// <param name="summary">The run's summary.</param>
    /// <param name="history">The recorded history (plots).</param>
    /// <param name="context">The checkers' context (the reconnect policy envelope).</param>
    /// <param name="latency">Delivery latency.</param>
    /// <param name="serverLog">The server's log on the run clock, in time order; null or empty leaves the server lines out.</param>
    public static string Build(RunSummary summary, RecordedHistory history, CheckContext context, LatencyRecorder latency, IReadOnlyList<ServerLogLine>? serverLog = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(latency);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>chatsim ")
            .Append(E(summary.Scenario)).Append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:980px}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}")
            .Append(".Passed{background:#dfd}.Failed{background:#fdd}.Inconclusive{background:#ffd}code{background:#eee}</style></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>chatsim: {E(summary.Scenario)} — exit {summary.ExitCode}</h1>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Repeat with <code>{E(summary.RepeatCommand)}</code></p>\n");
        html.Append("<table>");
        Row(html, "seed", summary.Seed.ToString(CultureInfo.InvariantCulture));
        Row(html, "commit", summary.GitCommit ?? "unknown");
        Row(html, "scenario sha256", summary.ScenarioHash);
        Row(html, "executed-fault hash", summary.ExecutedFaultHash);
        Row(html, "machine", $"{summary.Machine.Name}, {summary.Machine.Cores} cores, {summary.Machine.Os}, {summary.Machine.DotNet}");
        Row(html, "started / duration", $"{summary.StartedAt:O} / {summary.Duration}");
        Row(html, "clients", summary.Clients.ToString(CultureInfo.InvariantCulture));
        var c = summary.Counts;
        Row(html, "sent / acked / failed / delivered / reconnects", $"{c.Sent} / {c.Acked} / {c.Failed} / {c.Delivered} / {c.Reconnects}");
        if (summary.HarnessFailed)
        {
            Row(html, "harness", $"{summary.HarnessError ?? "interrupted"} {string.Join("; ", summary.StuckClients)}");
        }

        HarnessLoadRows(html, summary.HarnessLoad);

        if (summary.HistorySpillError is { } spill)
        {
            Row(html, "history", spill);
        }

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
                $"<tr class=\"{(s.Passed ? "Passed" : "Failed")}\"><td>{E(s.Name)}</td><td>{s.Observed?.ToString(CultureInfo.InvariantCulture) ?? "none"} {E(s.Unit)}</td><td>{(s.LowerBound ? "≥" : "≤")} {s.Threshold} {E(s.Unit)}</td><td>{(s.Passed ? "ok" : "breached")}{(summary.HarnessLoad?.SloCaveat(s) is { } caveat ? ": " + E(caveat) : "")}</td></tr>\n");
        }

        html.Append("</table>\n");
        Violations(html, summary, serverLog ?? []);
        html.Append("<h2>Delivery latency</h2>\n").Append(LatencyPlot(latency));
        html.Append("<h2>Connected clients and faults</h2>\n").Append(ConnectedPlot(history));
        html.Append("<h2>Reconnect delays against the policy</h2>\n").Append(ReconnectPlot(history, context));
        html.Append("</body></html>\n");
        return html.ToString();
    }

    public static Task WriteAsync(string path, string html, CancellationToken cancellationToken = default) =>
        File.WriteAllTextAsync(path, html, cancellationToken);

    private static void Violations(StringBuilder html, RunSummary summary, IReadOnlyList<ServerLogLine> serverLog)
    {
        var failed = summary.Invariants.Where(r => r.Status == InvariantStatus.Failed).ToList();
        if (failed.Count == 0)
        {
            return;
        }

        html.Append("<h2>Violations</h2>\n<p>The slices of history are in <code>violations/</code>.</p>\n");
        var radius = (long)ViolationsWriter.SliceRadius.TotalMilliseconds;
        foreach (var v in failed.SelectMany(r => r.Violations.Take(ViolationsShownPerChecker)))
        {
            var lines = serverLog.Where(l => Math.Abs(l.AtMs - v.AtMs) <= radius).Take(ServerLinesShown).ToList();
            html.Append(CultureInfo.InvariantCulture, $"<details><summary><b>{E(v.Checker)}</b> at {v.AtMs} ms: {E(v.Message)} ({lines.Count} server log lines)</summary>\n<pre>");
            foreach (var l in lines)
            {
                html.Append(CultureInfo.InvariantCulture, $"{l.AtMs,8} {E(l.Level),-11} {l.EventId,5} {E(l.Message)}{(l.Exception is null ? "" : " " + E(l.Exception))}\n");
            }

            html.Append("</pre></details>\n");
        }
    }

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
        foreach (var e in history.NonDeliveries)
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
        var shown = samples.Where((_, i) => i % stride == 0 || !samples[i].Within || samples[i].WithinOnlyForHarnessLag).ToList();
        var maxAttempt = shown.Count == 0 ? 6 : Math.Max(1, shown.Max(s => s.Attempt));
        for (var n = 1; n <= maxAttempt; n++)
        {
            var (min, max) = context.Reconnect.Bounds(n);
            plot.AddBox(n - 0.3, n + 0.3, min.TotalMilliseconds, max.TotalMilliseconds, "#9ecae1", n == 1 ? "policy [min, max]" : null);
        }

        // A small deterministic horizontal spread per point so equal delays of one attempt stay visible.
        static (double, double) At(ReconnectDelaySample s, int i) => (s.Attempt + ((i % 7) - 3) * 0.03, s.DelayMs);
        plot.AddPoints([.. shown.Where(s => s.Within && !s.WithinOnlyForHarnessLag && s.HintMs is null).Select(At)], "#1f77b4", "delay");
        plot.AddPoints([.. shown.Where(s => s.Within && !s.WithinOnlyForHarnessLag && s.HintMs is not null).Select(At)], "#9467bd", "hinted delay");
        plot.AddPoints([.. shown.Where(s => s.WithinOnlyForHarnessLag).Select(At)], "#ff7f0e", "late while the harness ran late");
        plot.AddPoints([.. shown.Where(s => !s.Within).Select(At)], "#d62728", "outside policy");
        return plot.Render();
    }
}
