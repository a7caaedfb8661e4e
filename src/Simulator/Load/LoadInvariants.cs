using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// The guarantees a load run is judged by besides its SLOs: the safety ones, which must hold at every instant, so a
/// run that stops with messages in flight can be judged by them. Nothing is delivered twice, every reader sees a room
/// in one order, every sender's messages arrive in its order, and every replay joins the live stream without a hole.
/// </summary>
/// <remarks>
/// The liveness checkers (nothing acked is lost, every send settles, readers converge, offline queues replay, backoff
/// keeps its policy) need what <c>chatsim run</c> does after its workload: heal every fault and wait until every client
/// has caught up. A load run stops at the end of its bounded drain, with sends and deliveries still under way, so they
/// would call lost what is only late; <c>chatsim run</c> of the same scenario judges those.
/// </remarks>
public static class LoadInvariants
{
    /// <summary>The checkers a load run is judged by, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["NoDuplicateDelivery", "PerRoomTotalOrder", "ReplayIsGapFree", "PerSenderOrder"];

    private static readonly InvariantSuite Suite = InvariantSuite.Only(Names);

    /// <summary>
    /// Judges <paramref name="history"/> (one process's, or the merged history of several). None needs a minimum of
    /// samples: a load without faults makes no replays, and that is no lack of evidence about the others.
    /// </summary>
    public static IReadOnlyList<InvariantResult> Check(Scenario scenario, RecordedHistory history)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(history);
        var context = RunVerdict.ContextFor(scenario) with { MinSamples = Names.ToDictionary(n => n, _ => 0L, StringComparer.Ordinal) };
        return Suite.Run(history, context);
    }
}
