using System.Globalization;
using ChatResilience.Simulator.Cli;

namespace ChatResilience.Simulator.Load.Compare;

/// <summary>The parsed arguments of <c>chatsim compare</c>.</summary>
public sealed record CompareArguments
{
    public required string BaselinePath { get; init; }
    public required string NewPath { get; init; }

    /// <summary>Allowed worsening per metric, percent. Default: 10.</summary>
    public double TolerancePercent { get; init; } = RegressionTable.DefaultTolerancePercent;

    /// <summary>Per-metric tolerances (<c>--metric name=tol</c>), percent. Default: none.</summary>
    public IReadOnlyDictionary<string, double> MetricTolerances { get; init; } = new Dictionary<string, double>();

    public static CompareArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var files = new List<string>();
        var tolerance = RegressionTable.DefaultTolerancePercent;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new CliException($"{a}: needs a value");
            switch (a)
            {
                case "--tolerance":
                    tolerance = Percent(a, Value());
                    break;
                case "--metric":
                    var m = Value();
                    var eq = m.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || eq == m.Length - 1)
                    {
                        throw new CliException($"--metric: '{m}' must be name=tolerance, e.g. delivery_latency_p99_ms=5%");
                    }

                    metrics[m[..eq]] = Percent("--metric " + m[..eq], m[(eq + 1)..]);
                    break;
                default:
                    if (a.StartsWith('-'))
                    {
                        throw new CliException($"{a}: unknown option for compare");
                    }

                    files.Add(a);
                    break;
            }
        }

        if (files.Count != 2)
        {
            throw new CliException($"compare: needs exactly two summary files (baseline, new), got {files.Count}");
        }

        return new CompareArguments { BaselinePath = files[0], NewPath = files[1], TolerancePercent = tolerance, MetricTolerances = metrics };
    }

    // "10%" or "10" (percent).
    private static double Percent(string name, string value)
    {
        var text = value.EndsWith('%') ? value[..^1] : value;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0 && v <= 10_000
            ? v
            : throw new CliException($"{name}: '{value}' must be a percentage such as 10%");
    }
}
