namespace ChatResilience.Simulator.Sharding;

/// <summary>Which clients of the plan one worker runs: those whose plan index ≡ <see cref="ShardIndex"/> (mod <see cref="ShardCount"/>).</summary>
/// <param name="WorkerId">The worker's id in the merged history (1-based; 0 is the coordinator).</param>
/// <param name="ShardIndex">0-based shard of this worker.</param>
/// <param name="ShardCount">How many shards the run has.</param>
public sealed record ShardAssignment(int WorkerId, int ShardIndex, int ShardCount)
{
    /// <summary>True when the plan's client <paramref name="planIndex"/> belongs to this shard.</summary>
    public bool Owns(int planIndex) => planIndex % ShardCount == ShardIndex;
}
