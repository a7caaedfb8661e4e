namespace ChatResilience.Simulator.Sharding;

/// <summary>The process side of a sharded run (written to <c>workers.json</c> beside the summary).</summary>
public sealed record ShardRunInfo
{
    public List<WorkerInfo> Workers { get; init; } = [];
    public long ServerPeakRssBytes { get; init; }
    public double ServerCpuSeconds { get; init; }
    public long ServerPeakOpenFiles { get; init; }
    public long CoordinatorPeakRssBytes { get; init; }
    public double CoordinatorCpuSeconds { get; init; }
}

/// <summary>
/// One worker of a sharded run: its clients, clock offset (± uncertainty) and resource use. Memory per client is
/// (RSS after a full GC with every client connected and joined − RSS after a full GC before any client) / clients:
/// the clients and their proxies at rest, before the history grows.
/// </summary>
public sealed record WorkerInfo(
    int WorkerId, int Clients, double ClockOffsetMs, double ClockUncertaintyMs, long PeakRssBytes, double CpuSeconds, long PeakOpenFiles,
    long BaselineRssBytes = 0, long ReadyRssBytes = 0, double? ClockEndOffsetMs = null, double? ClockEndUncertaintyMs = null)
{
    /// <summary>How the worker's clock was measured, at the start and, when it was, at the end with the drift between.</summary>
    public string DescribeClock() => ClockDrift.Describe(ClockOffsetMs, ClockUncertaintyMs, ClockEndOffsetMs, ClockEndUncertaintyMs);

    /// <summary>Bytes of RSS per client (clients and their proxies), or 0 when not measured.</summary>
    public long RssBytesPerClient => Clients > 0 && ReadyRssBytes > 0 ? (ReadyRssBytes - BaselineRssBytes) / Clients : 0;
}
