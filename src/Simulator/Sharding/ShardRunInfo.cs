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

/// <summary>One worker of a sharded run: its clients, clock offset (± uncertainty) and resource use.</summary>
public sealed record WorkerInfo(int WorkerId, int Clients, double ClockOffsetMs, double ClockUncertaintyMs, long PeakRssBytes, double CpuSeconds, long PeakOpenFiles);
