using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Cli;

/// <summary>Measures the scenario's SLO metrics from the recorded history (latency from the intended send time).</summary>
public static class SloEvaluator
{
    /// <summary>Every metric of <see cref="SloMetrics"/> measured for the run, with its sample count.</summary>
    public static IReadOnlyDictionary<string, (double Value, long Samples)> Measure(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var accepted = new Dictionary<string, SendAcceptedEvent>(StringComparer.Ordinal);
        var online = new List<double>();
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
                case DeliveredEvent d when accepted.TryGetValue(d.MessageId, out var s) && !s.Offline:
                    online.Add(d.AtMs - s.IntendedAtMs);
                    break;
            }
        }

        var quiet = result.Samples.Where(s => !s.FaultWindow).Select(s => s.Fraction).ToList();
        var total = accepted.Count + refused;
        return new Dictionary<string, (double, long)>(StringComparer.Ordinal)
        {
            [SloMetrics.DeliveryLatencyP99Ms] = (Percentile(online, 0.99), online.Count),
            [SloMetrics.DeliveryLatencyP50Ms] = (Percentile(online, 0.50), online.Count),
            [SloMetrics.SettleTimeP99Ms] = (Percentile(settle, 0.99), settle.Count),
            [SloMetrics.ConnectedFractionMin] = (quiet.Count > 0 ? quiet.Min() : double.NaN, quiet.Count),
            [SloMetrics.RefusedFractionMax] = (total > 0 ? (double)refused / total : double.NaN, total),
        };
    }

    /// <summary>The scenario's SLOs against the measured values.</summary>
    public static IReadOnlyList<SloOutcome> Evaluate(Scenario scenario, SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var measured = Measure(result);
        return [.. scenario.Slos.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SloOutcome
        {
            Metric = s.Key,
            Threshold = s.Value,
            Value = measured[s.Key].Value,
            Samples = measured[s.Key].Samples,
            LowerBound = SloMetrics.IsLowerBound(s.Key),
        })];
    }

    /// <summary>Nearest-rank percentile; NaN for no samples.</summary>
    public static double Percentile(List<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        var rank = (int)Math.Ceiling(p * values.Count) - 1;
        return values[Math.Clamp(rank, 0, values.Count - 1)];
    }
}
