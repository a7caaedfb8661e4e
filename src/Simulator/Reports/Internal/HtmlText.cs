using System.Net;
using System.Text;

namespace ChatResilience.Simulator.Reports.Internal;

/// <summary>The small HTML pieces both report pages (a run's and a load run's) are built from.</summary>
internal static class HtmlText
{
    /// <summary>A two-cell table row, both cells encoded.</summary>
    public static void Row(StringBuilder html, string key, string value) =>
        html.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    /// <summary>A row per harness process's scheduling lag, and the saturation warning when there is one.</summary>
    public static void HarnessLoadRows(StringBuilder html, HarnessLoad? load)
    {
        if (load is null)
        {
            return;
        }

        foreach (var p in load.Processes)
        {
            Row(html, $"scheduling lag of {p.Process}, ms p50/p99/max", FormattableString.Invariant($"{p.P50Ms} / {p.P99Ms} / {p.MaxMs} ({p.OverTolerance} of {p.Samples} ticks over the {load.ToleranceMs} ms tolerance)"));
        }

        if (load.Warning is { } warning)
        {
            Row(html, "warning", warning);
        }
    }

    /// <summary>"p50 / p90 / p99 / p99.9 / max (n=…)", or "none" without samples.</summary>
    public static string Percentiles(LatencyPercentiles p) =>
        p.Count == 0 ? "none" : $"{p.P50} / {p.P90} / {p.P99} / {p.P999} / {p.Max} (n={p.Count})";

    /// <summary>HTML-encodes text.</summary>
    public static string E(string s) => WebUtility.HtmlEncode(s);
}
