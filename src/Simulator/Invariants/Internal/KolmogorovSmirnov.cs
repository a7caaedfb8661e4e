namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>One-sample Kolmogorov–Smirnov test against a uniform distribution.</summary>
internal static class KolmogorovSmirnov
{
    /// <summary>D = sup |F_n(x) − F(x)| for F = Uniform[<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static double StatisticAgainstUniform(IReadOnlyList<double> samples, double low, double high)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(high, low);
        var sorted = samples.Order().ToArray();
        var n = (double)sorted.Length;
        var d = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var f = Math.Clamp((sorted[i] - low) / (high - low), 0.0, 1.0);
            d = Math.Max(d, Math.Max(((i + 1) / n) - f, f - (i / n)));
        }

        return d;
    }

    /// <summary>
    /// The critical value of D at significance <paramref name="alpha"/> for <paramref name="n"/> samples:
    /// c(α) / (√n + 0.12 + 0.11/√n) with c(α) = √(−ln(α/2) / 2) (Stephens 1970), within a few percent of the exact
    /// table from n ≈ 5 on.
    /// </summary>
    public static double CriticalValue(int n, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var c = Math.Sqrt(-Math.Log(alpha / 2) / 2);
        var root = Math.Sqrt(n);
        return c / (root + 0.12 + (0.11 / root));
    }
}
