namespace ChatResilience.Simulator.Reports;

/// <summary>Percentiles of one latency distribution, in milliseconds.</summary>
public sealed record LatencyPercentiles
{
    public long Count { get; init; }
    public long P50 { get; init; }
    public long P90 { get; init; }
    public long P99 { get; init; }
    public long P999 { get; init; }
    public long Max { get; init; }
}
