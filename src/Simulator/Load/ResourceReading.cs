namespace ChatResilience.Simulator.Load;

/// <summary>
/// Process CPU time and memory read from a <c>/metrics</c> scrape. The server exports them (once it does) from the
/// System.Runtime meter (<c>dotnet.process.cpu.time</c>, <c>dotnet.process.memory.working_set</c>) or the
/// OpenTelemetry process names; the Prometheus spellings of all of them are tried, first match wins.
/// </summary>
public sealed record ResourceReading(double? CpuSeconds, double? MemoryBytes)
{
    /// <summary>CPU-time series names, Prometheus spelling (summed over their labels, e.g. user/system).</summary>
    public static readonly IReadOnlyList<string> CpuNames =
    [
        "dotnet_process_cpu_time_seconds_total", "process_cpu_time_seconds_total", "process_cpu_seconds_total",
        "dotnet_process_cpu_time_seconds", "process_cpu_time_seconds",
    ];

    /// <summary>Memory series names, Prometheus spelling.</summary>
    public static readonly IReadOnlyList<string> MemoryNames =
    [
        "dotnet_process_memory_working_set_bytes", "process_memory_usage_bytes", "process_working_set_bytes",
        "process_resident_memory_bytes", "dotnet_process_memory_working_set",
    ];

    /// <summary>The chat server's scheduling-lag histogram: total seconds late and ticks so far (null when not exported).</summary>
    public double? LagSecondsSum { get; init; }

    /// <inheritdoc cref="LagSecondsSum"/>
    public double? LagTicks { get; init; }

    /// <summary>Reads CPU, memory and the chat server's scheduling lag from parsed samples; a value is null when no known name is present.</summary>
    public static ResourceReading From(IReadOnlyList<PrometheusSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return new ResourceReading(First(samples, CpuNames), First(samples, MemoryNames))
        {
            LagSecondsSum = PrometheusTextParser.Sum(samples, "chat_server_scheduling_lag_seconds_sum"),
            LagTicks = PrometheusTextParser.Sum(samples, "chat_server_scheduling_lag_seconds_count"),
        };
    }

    /// <summary>
    /// The server's mean scheduling lag, ms, over the ticks between two readings; null when either lacks the series
    /// or no tick ran between them.
    /// </summary>
    public static double? MeanLagMs(ResourceReading? previous, ResourceReading current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return previous is { LagSecondsSum: { } sum0, LagTicks: { } ticks0 } && current is { LagSecondsSum: { } sum, LagTicks: { } ticks } && ticks > ticks0
            ? Math.Round(Math.Max(0, sum - sum0) / (ticks - ticks0) * 1000, 1)
            : null;
    }

    /// <summary>CPU use between two readings as percent of one core; null when either lacks CPU or no time passed.</summary>
    public static double? CpuPercent(double? previousCpuSeconds, double? cpuSeconds, TimeSpan elapsed) =>
        previousCpuSeconds is { } a && cpuSeconds is { } b && elapsed > TimeSpan.Zero
            ? Math.Max(0, (b - a) / elapsed.TotalSeconds * 100)
            : null;

    private static double? First(IReadOnlyList<PrometheusSample> samples, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (PrometheusTextParser.Sum(samples, name) is { } v)
            {
                return v;
            }
        }

        return null;
    }
}
