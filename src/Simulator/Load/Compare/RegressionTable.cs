using System.Globalization;
using System.Text;

namespace ChatResilience.Simulator.Load.Compare;

/// <summary>
/// Compares two summaries metric by metric, direction-aware: a change counts against the new run only in the worse
/// direction (higher latency, lower msg/s) and only past the metric's tolerance. Pure.
/// </summary>
public static class RegressionTable
{
    /// <summary>Tolerance when none is given: 10 %.</summary>
    public const double DefaultTolerancePercent = 10;

    public static IReadOnlyList<RegressionRow> Compare(
        IReadOnlyList<SummaryMetric> baseline, IReadOnlyList<SummaryMetric> current, double tolerancePercent, IReadOnlyDictionary<string, double>? perMetric = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        var b = baseline.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var n = current.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var names = baseline.Select(m => m.Name).Concat(current.Select(m => m.Name).Where(x => !b.ContainsKey(x))).ToList();
        var rows = new List<RegressionRow>(names.Count);
        foreach (var name in names)
        {
            var tol = perMetric is not null && perMetric.TryGetValue(name, out var t) ? t : tolerancePercent;
            b.TryGetValue(name, out var bm);
            n.TryGetValue(name, out var nm);
            if (bm is null || nm is null)
            {
                rows.Add(new RegressionRow(name, bm?.Value, nm?.Value, null, tol, bm is null ? RegressionVerdict.MissingInBaseline : RegressionVerdict.MissingInNew));
                continue;
            }

            var change = ChangePercent(bm.Value, nm.Value);
            var worse = bm.HigherIsBetter ? -change : change;
            var verdict = worse > tol ? RegressionVerdict.Regressed : worse < -tol ? RegressionVerdict.Improved : RegressionVerdict.Ok;
            rows.Add(new RegressionRow(name, bm.Value, nm.Value, change, tol, verdict));
        }

        return rows;
    }

    /// <summary>Relative change in percent; from 0 to anything else is ±∞, NaN on either side counts as no change.</summary>
    public static double ChangePercent(double baseline, double current)
    {
        if (double.IsNaN(baseline) || double.IsNaN(current) || baseline == current)
        {
            return 0;
        }

        return baseline == 0 ? (current > 0 ? double.PositiveInfinity : double.NegativeInfinity) : (current - baseline) / Math.Abs(baseline) * 100;
    }

    /// <summary>The table as aligned text.</summary>
    public static string Format(IReadOnlyList<RegressionRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var width = Math.Max(6, rows.Count == 0 ? 6 : rows.Max(r => r.Metric.Length));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"metric".PadRight(width)}  {"baseline",14}  {"new",14}  {"change",9}  {"tol",5}  verdict\n");
        foreach (var r in rows)
        {
            var verdict = r.Verdict switch
            {
                RegressionVerdict.Regressed => "REGRESSED",
                RegressionVerdict.Improved => "improved",
                RegressionVerdict.MissingInNew => "missing in new",
                RegressionVerdict.MissingInBaseline => "missing in baseline",
                _ => "ok",
            };
            sb.Append(CultureInfo.InvariantCulture, $"{r.Metric.PadRight(width)}  {V(r.Baseline),14}  {V(r.New),14}  {C(r.ChangePercent),9}  {r.TolerancePercent,4:0.#}%  {verdict}\n");
        }

        return sb.ToString();
    }

    private static string V(double? v) => v is { } x ? x.ToString("0.###", CultureInfo.InvariantCulture) : "—";

    private static string C(double? c) => c switch
    {
        null => "—",
        double.PositiveInfinity => "+∞",
        double.NegativeInfinity => "−∞",
        { } x => x.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%",
    };
}
