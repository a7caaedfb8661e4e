namespace ChatResilience.Bench.Chaos;

/// <summary>Nearest-rank percentiles of a sample.</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    public static string Summary(List<double> samples, string unit)
    {
        samples.Sort();
        return $"p50 {Of(samples, 50):F1} {unit}, p99 {Of(samples, 99):F1} {unit}, min {samples[0]:F1} {unit}, max {samples[^1]:F1} {unit} (n={samples.Count})";
    }
}
