using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>What a worker's runner needs beyond a one-process run: its shard, the remote server and the coordinator's phase gates.</summary>
internal sealed record ShardContext
{
    public required ShardAssignment Assignment { get; init; }

    /// <summary>The server process (tokens over HTTP; server-side faults belong to the coordinator).</summary>
    public required IChatTarget Target { get; init; }

    public required IShardHooks Hooks { get; init; }
}
