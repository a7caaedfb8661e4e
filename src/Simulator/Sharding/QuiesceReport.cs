namespace ChatResilience.Simulator.Sharding;

/// <summary>A worker's state after its local quiesce: the first phase of the cross-worker quiesce.</summary>
public sealed record QuiesceReport
{
    /// <summary>True when the worker's own clients drained and agreed within the quiesce bound.</summary>
    public bool QuiescedLocally { get; init; }

    /// <summary>Highest room seq any of the worker's clients delivered, per room it still has members in.</summary>
    public IReadOnlyDictionary<string, long> MaxDeliveredPerRoom { get; init; } = new Dictionary<string, long>();

    public long OutboxDepth { get; init; }
    public long Connected { get; init; }
}
