namespace ChatResilience.Simulator.Load.Compare;

/// <summary>One comparable number of a summary and which way is better.</summary>
/// <param name="Name">Stable metric name, e.g. <c>delivery_latency_p99_ms</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="HigherIsBetter">True for throughput and break points, false for latency, errors, CPU and memory.</param>
public sealed record SummaryMetric(string Name, double Value, bool HigherIsBetter);
