using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>chatsim's process exit codes and how a run's results map to one.</summary>
public static class ExitCodes
{
    /// <summary>Every checker passed with enough samples and every SLO held.</summary>
    public const int Pass = 0;

    /// <summary>At least one invariant checker found a violation.</summary>
    public const int InvariantViolated = 1;

    /// <summary>An SLO was breached (and no invariant was violated).</summary>
    public const int SloBreached = 2;

    /// <summary>A checker had fewer samples than the scenario's minimum (and nothing failed).</summary>
    public const int Inconclusive = 3;

    /// <summary>The harness or the fault injector failed (watchdog included): the run proves nothing.</summary>
    public const int HarnessFailure = 4;

    /// <summary>Bad command-line arguments or an invalid scenario.</summary>
    public const int BadArguments = 64;

    /// <summary>
    /// The exit code of a finished run, by precedence harness failure (4) &gt; invariant violated (1) &gt; SLO
    /// breached (2) &gt; inconclusive (3) &gt; pass (0): a broken harness voids the run, a broken guarantee matters
    /// more than a slow one, and a slow run is a finding while an inconclusive one is only a lack of evidence.
    /// </summary>
    public static int From(IEnumerable<InvariantResult> results, IEnumerable<SloResult> slos, bool harnessFailed)
    {
        ArgumentNullException.ThrowIfNull(slos);
        return From(results, slos.Any(s => !s.Passed), harnessFailed);
    }

    /// <summary>The same precedence, for a caller that has already decided whether any SLO was breached.</summary>
    public static int From(IEnumerable<InvariantResult> results, bool sloBreached, bool harnessFailed)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (harnessFailed)
        {
            return HarnessFailure;
        }

        var list = results.ToList();
        if (list.Any(r => r.Status == InvariantStatus.Failed))
        {
            return InvariantViolated;
        }

        if (sloBreached)
        {
            return SloBreached;
        }

        return list.Any(r => r.Status == InvariantStatus.Inconclusive) ? Inconclusive : Pass;
    }
}
