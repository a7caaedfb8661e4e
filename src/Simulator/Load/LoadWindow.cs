using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// One evaluation window of a load run: the load it carried (connections, messages/s) and what the clients saw
/// (latencies, refusals, drops). Latency is attributed to the window of the message's intended send time and a
/// connect to the window it started in, so each window's numbers describe the load offered during it.
/// </summary>
public sealed record LoadWindow
{
    public int Index { get; init; }

    /// <summary>Window start and end, s since the ramp start.</summary>
    public double StartS { get; init; }
    public double EndS { get; init; }

    /// <summary>Connections open at the end of the window (the highest sample inside it; the window before's when none fell inside).</summary>
    public int Connections { get; init; }

    /// <summary>Connections started by the end of the window.</summary>
    public int Started { get; init; }

    public double SentPerSecond { get; init; }
    public double AckedPerSecond { get; init; }
    public double DeliveredPerSecond { get; init; }

    /// <summary>Connect start → joined of connects started in the window, ms (NaN when none).</summary>
    public double ConnectP50Ms { get; init; } = double.NaN;
    public double ConnectP99Ms { get; init; } = double.NaN;
    public long ConnectSamples { get; init; }

    /// <summary>Failed or timed-out connects plus failed sends in the window.</summary>
    public long Errors { get; init; }

    /// <summary>Share of the connects started in the window that failed or timed out (NaN when none started).</summary>
    public double ConnectErrorFraction { get; init; } = double.NaN;

    /// <summary>Connects started in the window (the denominator of <see cref="ConnectErrorFraction"/>).</summary>
    public long ConnectsStarted { get; init; }

    /// <summary>Online delivery latency (intended send → delivered) of messages meant to be sent in the window, ms.</summary>
    public double DeliveryP50Ms { get; init; } = double.NaN;
    public double DeliveryP99Ms { get; init; } = double.NaN;
    public long DeliverySamples { get; init; }

    /// <summary>Accepted → acked of sends accepted in the window, ms.</summary>
    public double SettleP99Ms { get; init; } = double.NaN;
    public long SettleSamples { get; init; }

    /// <summary>Share of the window's sends refused up front (outbox full).</summary>
    public double RefusedFraction { get; init; } = double.NaN;
    public long RefusedSamples { get; init; }

    /// <summary>Lowest connected / joined-once share of the window's samples.</summary>
    public double ConnectedFractionMin { get; init; } = double.NaN;
    public long ConnectedSamples { get; init; }

    /// <summary>Highest server CPU (% of one core) and memory (bytes) sampled in the window; null when unknown.</summary>
    public double? ServerCpuPercent { get; init; }
    public double? ServerMemoryBytes { get; init; }

    /// <summary>
    /// How late the load generator's own once-a-second tick ran at worst in the window, ms (the worst process's, in a
    /// run over several): a generator that far behind delayed its clients' sends, reads and heartbeats as long.
    /// </summary>
    public long HarnessLagMaxMs { get; init; }

    /// <summary>The value of an SLO metric (<see cref="SloMetrics"/>) in this window and its sample count.</summary>
    public (double Value, long Samples) Metric(string name) => name switch
    {
        SloMetrics.DeliveryLatencyP99Ms => (DeliveryP99Ms, DeliverySamples),
        SloMetrics.DeliveryLatencyP50Ms => (DeliveryP50Ms, DeliverySamples),
        SloMetrics.SettleTimeP99Ms => (SettleP99Ms, SettleSamples),
        SloMetrics.ConnectedFractionMin => (ConnectedFractionMin, ConnectedSamples),
        SloMetrics.RefusedFractionMax => (RefusedFraction, RefusedSamples),
        SloMetrics.ConnectErrorFractionMax => (ConnectErrorFraction, ConnectsStarted),
        SloMetrics.ConnectTimeP99Ms => (ConnectP99Ms, ConnectSamples),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown SLO metric"),
    };
}
