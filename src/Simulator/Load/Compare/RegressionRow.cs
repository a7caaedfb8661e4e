namespace ChatResilience.Simulator.Load.Compare;

/// <summary>The verdict on one metric.</summary>
public enum RegressionVerdict
{
    /// <summary>Within tolerance.</summary>
    Ok,

    /// <summary>Better by more than the tolerance.</summary>
    Improved,

    /// <summary>Worse by more than the tolerance (compare exits 1).</summary>
    Regressed,

    /// <summary>Only in the baseline.</summary>
    MissingInNew,

    /// <summary>Only in the new summary.</summary>
    MissingInBaseline,
}

/// <summary>One row of the regression table.</summary>
public sealed record RegressionRow(string Metric, double? Baseline, double? New, double? ChangePercent, double TolerancePercent, RegressionVerdict Verdict);
