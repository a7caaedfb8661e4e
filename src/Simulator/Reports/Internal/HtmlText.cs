using System.Net;
using System.Text;

namespace ChatResilience.Simulator.Reports.Internal;

/// <summary>The small HTML pieces both report pages (a run's and a load run's) are built from.</summary>
internal static class HtmlText
{
    /// <summary>A two-cell table row, both cells encoded.</summary>
    public static void Row(StringBuilder html, string key, string value) =>
        html.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    /// <summary>"p50 / p90 / p99 / p99.9 / max (n=…)", or "none" without samples.</summary>
    public static string Percentiles(LatencyPercentiles p) =>
        p.Count == 0 ? "none" : $"{p.P50} / {p.P90} / {p.P99} / {p.P999} / {p.Max} (n={p.Count})";

    /// <summary>HTML-encodes text.</summary>
    public static string E(string s) => WebUtility.HtmlEncode(s);
}
