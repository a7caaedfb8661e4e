using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Cli;

/// <summary>Measures the scenario's SLO metrics from the recorded history (latency from the intended send time).</summary>
public static class SloEvaluator
{
    /// <summary>
    /// Every metric of <see cref="SloMetrics"/> measured for the run, with its sample count. Delivery latency is the
    /// online latency of <paramref name="latency"/> (HdrHistogram, readers other than the sender), the same numbers
    /// the report shows.
    /// </summary>
    public static IReadOnlyDictionary<string, MetricValue> Measure(SimulationResult result, LatencyRecorder latency)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(latency);
        var accepted = new Dictionary<string, SendAcceptedEvent>(StringComparer.Ordinal);
        var settle = new List<double>();
        var settled = new HashSet<string>(StringComparer.Ordinal);
        long refused = 0;
        foreach (var e in result.History.Events)
        {
            switch (e)
            {
                case SendAcceptedEvent s:
                    accepted.TryAdd(s.MessageId, s);
                    break;
                case SendRefusedEvent:
                    refused++;
                    break;
                case AckedEvent a when accepted.TryGetValue(a.MessageId, out var s) && settled.Add(a.MessageId):
                    settle.Add(a.AtMs - s.AtMs);
                    break;
            }
        }

        var online = latency.Online();
        double? Online(long value) => online.Count > 0 ? value : null;
        var quiet = result.Samples.Where(s => !s.FaultWindow).Select(s => s.Fraction).ToList();
        var total = accepted.Count + refused;
        return new Dictionary<string, MetricValue>(StringComparer.Ordinal)
        {
            [SloMetrics.DeliveryLatencyP99Ms] = new(Online(online.P99), online.Count),
            [SloMetrics.DeliveryLatencyP50Ms] = new(Online(online.P50), online.Count),
            [SloMetrics.SettleTimeP99Ms] = new(Percentile(settle, 0.99), settle.Count),
            [SloMetrics.ConnectedFractionMin] = new(quiet.Count > 0 ? quiet.Min() : null, quiet.Count),
            [SloMetrics.RefusedFractionMax] = new(total > 0 ? (double)refused / total : null, total),
        };
    }

    /// <summary>The scenario's SLOs against the measured values, in metric order (the load-only ones left to <c>chatsim load</c>).</summary>
    public static IReadOnlyList<SloResult> Evaluate(Scenario scenario, IReadOnlyDictionary<string, MetricValue> measured)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(measured);
        return [.. scenario.Slos.Where(s => !SloMetrics.LoadOnly.Contains(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => SloResult.Judge(s.Key, s.Value, measured[s.Key].Value, measured[s.Key].Samples))];
    }

    /// <summary>Nearest-rank percentile; null for no samples.</summary>
    public static double? Percentile(List<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var rank = (int)Math.Ceiling(p * values.Count) - 1;
        return values[Math.Clamp(rank, 0, values.Count - 1)];
    }
}
