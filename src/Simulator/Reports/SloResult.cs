using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Reports;

/// <summary>One service-level objective of the scenario and what the run measured against it.</summary>
public sealed record SloResult
{
    /// <summary>The metric, one of <see cref="SloMetrics"/> (e.g. <c>delivery_latency_p99_ms</c>).</summary>
    public required string Name { get; init; }

    /// <summary><c>ms</c> for the <c>_ms</c> metrics, empty for ratios.</summary>
    public required string Unit { get; init; }

    public double Threshold { get; init; }

    /// <summary>The measured value; null when there was nothing to measure (no samples).</summary>
    public double? Observed { get; init; }

    /// <summary>How many values the measurement rests on.</summary>
    public long Samples { get; init; }

    /// <summary>True for a lower bound (<c>_min</c> metrics): the value must be at least the threshold.</summary>
    public bool LowerBound { get; init; }

    /// <summary>False only for a measured value on the wrong side; no samples is not a breach (the checkers' minimums cover that).</summary>
    public bool Passed { get; init; }

    /// <summary>
    /// True when nothing measured it and no checker stands behind the verdict (load mode): the SLO proves nothing, so the
    /// run is inconclusive rather than a vacuous pass. Not set by <c>run</c>, whose checkers' minimums cover that.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Inconclusive { get; init; }

    /// <summary>The result of bounding <paramref name="name"/> by <paramref name="threshold"/>, given what was measured.</summary>
    public static SloResult Judge(string name, double threshold, double? observed, long samples)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = SloMetrics.IsLowerBound(name);
        var value = observed is { } v && double.IsFinite(v) ? Math.Round(v, 4) : (double?)null;
        return new SloResult
        {
            Name = name,
            Unit = name.EndsWith("_ms", StringComparison.Ordinal) ? "ms" : "",
            Threshold = threshold,
            Observed = value,
            Samples = samples,
            LowerBound = lower,
            Passed = value is not { } x || (lower ? x >= threshold : x <= threshold),
        };
    }
}
