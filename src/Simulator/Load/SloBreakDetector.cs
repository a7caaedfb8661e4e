using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Load;

/// <summary>Finds, per SLO, the first window that breached it (windows without samples for the metric are skipped).</summary>
public static class SloBreakDetector
{
    /// <param name="slos">Metric → threshold.</param>
    /// <param name="windows">The run's windows, in order.</param>
    /// <param name="harnessTolerance">The scenario's scheduling tolerance: a break in a window whose load generator ran later than this says so.</param>
    public static IReadOnlyList<SloBreak> Detect(IReadOnlyDictionary<string, double> slos, IReadOnlyList<LoadWindow> windows, TimeSpan? harnessTolerance = null)
    {
        ArgumentNullException.ThrowIfNull(slos);
        ArgumentNullException.ThrowIfNull(windows);
        var result = new List<SloBreak>();
        foreach (var (metric, threshold) in slos.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var lower = SloMetrics.IsLowerBound(metric);
            var judged = 0;
            var maxConnections = 0;
            var maxRate = 0.0;
            SloBreak? broke = null;
            foreach (var w in windows)
            {
                var (value, samples) = w.Metric(metric);
                if (samples == 0 || double.IsNaN(value))
                {
                    continue;
                }

                judged++;
                if (lower ? value < threshold : value > threshold)
                {
                    broke = new SloBreak
                    {
                        Metric = metric,
                        Threshold = threshold,
                        LowerBound = lower,
                        Broke = true,
                        Window = w.Index,
                        AtS = w.StartS,
                        Value = value,
                        Connections = w.Connections,
                        MessagesPerSecond = w.SentPerSecond,
                        HarnessLagMs = harnessTolerance is { } t && w.HarnessLagMaxMs > t.TotalMilliseconds ? w.HarnessLagMaxMs : null,
                    };
                    break;
                }

                maxConnections = Math.Max(maxConnections, w.Connections);
                maxRate = Math.Max(maxRate, w.SentPerSecond);
            }

            result.Add(broke is null
                ? new SloBreak { Metric = metric, Threshold = threshold, LowerBound = lower, Connections = maxConnections, MessagesPerSecond = maxRate, WindowsJudged = judged }
                : broke with { WindowsJudged = judged });
        }

        return result;
    }
}
