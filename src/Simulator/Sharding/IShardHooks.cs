namespace ChatResilience.Simulator.Sharding;

/// <summary>The points where a worker's runner waits for the coordinator (all workers move through them together).</summary>
internal interface IShardHooks
{
    /// <summary>Returns at the coordinator's workload start instant, once every worker's clients are connected.</summary>
    Task WaitForWorkloadStartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Second phase of the cross-worker quiesce: sends this worker's per-room highest delivered seq (after its local
    /// quiesce) and returns the per-room target the coordinator computed over every worker.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> QuiesceTargetsAsync(QuiesceReport report, CancellationToken cancellationToken);
}
