namespace ChatResilience.Simulator.Load;

/// <summary>One once-a-second sample of a load run (load.json's time series).</summary>
public sealed record LoadSample
{
    /// <summary>ms since the ramp start.</summary>
    public long AtMs { get; init; }

    /// <summary>Connections started so far.</summary>
    public int Started { get; init; }

    /// <summary>Clients that have joined at least once.</summary>
    public int Joined { get; init; }

    /// <summary>Clients connected now.</summary>
    public int Connected { get; init; }

    /// <summary>Totals so far.</summary>
    public long Sent { get; init; }
    public long Acked { get; init; }
    public long Delivered { get; init; }

    /// <summary>Server CPU use over the last interval, percent of one core (100 = one core busy); null when unknown.</summary>
    public double? ServerCpuPercent { get; init; }

    /// <summary>Server memory (working set or RSS), bytes; null when unknown.</summary>
    public double? ServerMemoryBytes { get; init; }

    /// <summary>The server's mean scheduling lag since the previous sample, ms, from its /metrics; null when unknown.</summary>
    public double? ServerLagMs { get; init; }

    /// <summary>How late this sample's own tick ran, ms: the load generator's scheduling lag (see <c>SchedulingLagProbe</c>).</summary>
    public long HarnessLagMs { get; init; }
}
