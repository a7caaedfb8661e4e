namespace ChatResilience.Simulator.Scenarios;

/// <summary>Client-library settings shared by every virtual client of the scenario.</summary>
public sealed record ClientConfigSpec
{
    /// <summary>Reconnect policy overrides; null fields keep the client library's defaults.</summary>
    public ReconnectSpec Reconnect { get; init; } = new();

    /// <summary>Outbox capacity in messages; null keeps the client library's default.</summary>
    public int? OutboxCapacity { get; init; }
}

/// <summary>Overrides of the client's reconnect policy (PROTOCOL.md §8).</summary>
public sealed record ReconnectSpec
{
    /// <summary>First retry delay. Default: the client's (250 ms).</summary>
    public TimeSpan? DelayBase { get; init; }

    /// <summary>Growth factor per attempt. Default: the client's (2).</summary>
    public double? Multiplier { get; init; }

    /// <summary>Cap on the delay. Default: the client's (30 s).</summary>
    public TimeSpan? DelayMax { get; init; }

    /// <summary>Fraction of the delay jitter may remove, 0..1. Default: the client's (0.5).</summary>
    public double? Jitter { get; init; }
}
