namespace ChatResilience.Simulator.Reports;

/// <summary>One measured metric of a run (every <see cref="Scenarios.SloMetrics"/> metric, bounded or not).</summary>
/// <param name="Value">The measured value; null when there was nothing to measure.</param>
/// <param name="Samples">How many values the measurement rests on.</param>
public sealed record MetricValue(double? Value, long Samples);
