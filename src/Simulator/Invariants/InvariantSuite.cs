using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// The set of checkers a run is judged by. <see cref="All"/> holds every guarantee of PROTOCOL.md §6 and §8;
/// <see cref="Only"/> selects by name (a scenario that cannot exercise one, e.g. assistant rooms, may leave it out
/// rather than be inconclusive). Checkers are pure, so they run in parallel over the same history.
/// </summary>
public sealed class InvariantSuite
{
    public InvariantSuite(IEnumerable<IInvariantChecker> checkers)
    {
        ArgumentNullException.ThrowIfNull(checkers);
        Checkers = [.. checkers];
    }

    public IReadOnlyList<IInvariantChecker> Checkers { get; }

    /// <summary>Every checker, in report order.</summary>
    public static InvariantSuite All { get; } = new(
    [
        new NoAckedMessageLost(),
        new EveryAcceptedSendSettled(),
        new NoDuplicateDelivery(),
        new PerRoomTotalOrder(),
        new ReplayIsGapFree(),
        new PerSenderOrder(),
        new OfflineQueueReplayed(),
        new FinalNacksSurfaced(),
        new AssistantAnsweredOnce(),
        new BackoffWithinPolicy(),
        new NoReconnectStorm(),
        new ConvergenceAfterHeal(),
    ]);

    /// <summary>The checkers of <see cref="All"/> named in <paramref name="names"/>; throws listing unknown names.</summary>
    public static InvariantSuite Only(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var unknown = wanted.Where(n => All.Checkers.All(c => c.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"unknown invariant(s): {string.Join(", ", unknown)}; known: {string.Join(", ", All.Checkers.Select(c => c.Name))}",
                nameof(names));
        }

        return new InvariantSuite(All.Checkers.Where(c => wanted.Contains(c.Name)));
    }

    /// <summary>
    /// Runs every checker (in parallel) and returns the results in suite order. A checker that throws is reported as
    /// failed with the exception as its violation, never lost.
    /// </summary>
    public IReadOnlyList<InvariantResult> Run(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var results = new InvariantResult[Checkers.Count];
        Parallel.For(0, Checkers.Count, i => results[i] = RunOne(Checkers[i], history, context));
        return results;
    }

    private static InvariantResult RunOne(IInvariantChecker checker, RecordedHistory history, CheckContext context)
    {
        try
        {
            return checker.Check(history, context);
        }
#pragma warning disable CA1031 // a checker bug must surface as a failed check, not abort the whole report
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new InvariantResult
            {
                Name = checker.Name,
                MinSamples = context.MinSamplesFor(checker.Name),
                ViolationCount = 1,
                Violations = [new Violation { Checker = checker.Name, Message = $"checker threw {e.GetType().Name}: {e.Message}" }],
            };
        }
    }
}
