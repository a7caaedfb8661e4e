namespace ChatResilience.Simulator.Reports;

/// <summary>Online delivery latency of the deliveries that happened in one second of the run, in ms.</summary>
public sealed record LatencySecond
{
    /// <summary>Seconds since the run started.</summary>
    public long Second { get; init; }

    public long Count { get; init; }
    public long P50 { get; init; }
    public long P90 { get; init; }
    public long P99 { get; init; }
    public long Max { get; init; }
}
