using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Load.Sharded.Remote;

/// <summary>
/// How a load process on another machine measured its clock against the coordinator's (summary.json
/// <c>processClocks</c>): its times are moved by <paramref name="OffsetMs"/>, true within ± <paramref name="UncertaintyMs"/>
/// when its share starts. Cross-process delivery latency (sent in one process, received in another) is off by at most
/// the two processes' uncertainties together, plus how far their clocks drifted since: the offset measured again at
/// the end (<paramref name="EndOffsetMs"/>) shows that drift. Latencies are recorded as they happen, so unlike a
/// <c>chatsim run</c> history they are not corrected for it; a drift larger than the bounds says by how much they may be off.
/// </summary>
/// <param name="Process">The share, <c>load process I/N</c>, as in <c>harnessLoad</c>.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="OffsetMs">Coordinator ms ≈ its ms + this, at the start.</param>
/// <param name="UncertaintyMs">Half the round trip of the probe used.</param>
/// <param name="EndOffsetMs">The offset measured when the share was done; null when it was not.</param>
/// <param name="EndUncertaintyMs">Its bound.</param>
public sealed record ProcessClock(string Process, string Host, double OffsetMs, double UncertaintyMs, double? EndOffsetMs = null, double? EndUncertaintyMs = null)
{
    /// <summary>"load process 0/2 on host: clock offset +0.1 ms ± 0.2 …" for the console and the report.</summary>
    public string Describe() => $"{Process} on {Host}: {ClockDrift.Describe(OffsetMs, UncertaintyMs, EndOffsetMs, EndUncertaintyMs)}";
}
