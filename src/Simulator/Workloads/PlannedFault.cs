using System.Globalization;

namespace ChatResilience.Simulator.Workloads;

/// <summary>
/// One executable fault action: a toxic or outage on one group proxy, or a harness fault with its concrete targets.
/// </summary>
public sealed record PlannedFault
{
    /// <summary>Stable id, e.g. <c>f3-latency-cell</c>.</summary>
    public required string Id { get; init; }
    public required string Type { get; init; }
    public long StartMs { get; init; }

    /// <summary>When a network fault is removed; null for an instant harness fault.</summary>
    public long? EndMs { get; init; }

    /// <summary>The proxy (group) of a network fault.</summary>
    public string? Group { get; init; }
    public string Direction { get; init; } = "downstream";
    public double Toxicity { get; init; } = 1;
    public IReadOnlyDictionary<string, long> Attributes { get; init; } = new Dictionary<string, long>();
    public bool Graceful { get; init; } = true;
    public string? Room { get; init; }

    /// <summary>client_crash: the crashed client indexes; member_remove: the removed users.</summary>
    public IReadOnlyList<int> TargetClients { get; init; } = [];
    public IReadOnlyList<string> TargetUsers { get; init; } = [];
    public long RestartAfterMs { get; init; }

    /// <summary>Canonical description (hashed into the run summary).</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Id} {Type} start={StartMs} end={EndMs} group={Group} dir={Direction} tox={Toxicity} ")
        + string.Join(',', Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"))
        + $" graceful={Graceful} room={Room} clients={string.Join(',', TargetClients)} users={string.Join(',', TargetUsers)} restartAfter={RestartAfterMs}";
}
