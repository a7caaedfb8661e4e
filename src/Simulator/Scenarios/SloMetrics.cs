namespace ChatResilience.Simulator.Scenarios;

/// <summary>Metric names a scenario's <c>slos</c> may bound.</summary>
public static class SloMetrics
{
    /// <summary>99th percentile of online delivery latency (intended send → delivered), ms.</summary>
    public const string DeliveryLatencyP99Ms = "delivery_latency_p99_ms";

    /// <summary>50th percentile of online delivery latency, ms.</summary>
    public const string DeliveryLatencyP50Ms = "delivery_latency_p50_ms";

    /// <summary>99th percentile of settle time (accepted into the outbox → acked), offline sends included, ms.</summary>
    public const string SettleTimeP99Ms = "settle_time_p99_ms";

    /// <summary>Lowest share of clients connected in any one-second sample outside fault windows (lower bound).</summary>
    public const string ConnectedFractionMin = "connected_fraction_min";

    /// <summary>Share of sends refused up front by the client (outbox full), upper bound.</summary>
    public const string RefusedFractionMax = "refused_fraction_max";

    /// <summary>
    /// Share of the connects started in a window that failed or did not join within the connect timeout, upper bound
    /// (load mode only: where a ramp meets the server's connection cap, or its accept queue, this is what breaks first).
    /// </summary>
    public const string ConnectErrorFractionMax = "connect_error_fraction_max";

    /// <summary>99th percentile of connect start → every room joined, of the connects started in a window, ms (load mode only).</summary>
    public const string ConnectTimeP99Ms = "connect_time_p99_ms";

    public static readonly IReadOnlySet<string> All = new HashSet<string>
    {
        DeliveryLatencyP99Ms, DeliveryLatencyP50Ms, SettleTimeP99Ms, ConnectedFractionMin, RefusedFractionMax, ConnectErrorFractionMax, ConnectTimeP99Ms,
    };

    /// <summary>Metrics only <c>chatsim load</c> judges (its connects follow a ramp); <c>run</c> ignores them, as it ignores the <c>load</c> section.</summary>
    public static readonly IReadOnlySet<string> LoadOnly = new HashSet<string> { ConnectErrorFractionMax, ConnectTimeP99Ms };

    /// <summary>True when the metric must be at least its threshold, false when at most.</summary>
    public static bool IsLowerBound(string metric) => metric.EndsWith("_min", StringComparison.Ordinal);
}
