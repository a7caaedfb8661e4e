using System.Text.Json.Serialization;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// How far behind its own schedule each harness process ran (summary.json <c>harnessLoad</c>), against the
/// scenario's scheduling tolerance. A process whose tick (ten a second where clients run, one a second at a
/// sharded run's coordinator) ran later than that tolerance was saturated: its clients' heartbeats, retries and
/// deliveries waited as long. The per-wait timing checkers (backoff, offline replay, convergence) allow each wait
/// the lateness measured in its own window (<see cref="Invariants.HarnessLagTimeline"/>); the latency SLOs, which
/// are percentiles over the whole run, cannot, so they judged the machine as much as the server. The report says
/// so, with where and when.
/// </summary>
public sealed record HarnessLoad
{
    /// <summary>The scenario's <c>bounds.schedulingTolerance</c>, ms.</summary>
    public long ToleranceMs { get; init; }

    /// <summary>One entry per harness process, in the order given (coordinator first, then workers).</summary>
    public IReadOnlyList<ProcessLag> Processes { get; init; } = [];

    /// <summary>
    /// Whether this is a load run's (<c>chatsim load</c>): its warning advises what frees the load processes instead of
    /// naming worker processes, and does not say that timing checks allowed for the lateness (a load run has none: no
    /// backoff, offline-replay or convergence checker).
    /// </summary>
    [JsonIgnore]
    public bool ForLoadRun { get; init; }

    /// <summary>What the warning advises (<see cref="RunRemedy"/> or <see cref="LoadRemedy"/>).</summary>
    private string Remedy => ForLoadRun ? LoadRemedy : RunRemedy;

    /// <summary>The advice for <c>chatsim run</c>.</summary>
    public const string RunRemedy = "run fewer clients here, or spread workers over more machines (chatsim worker --coordinator)";

    /// <summary>The advice for <c>chatsim load</c>.</summary>
    public const string LoadRemedy = "give the load processes cores of their own (the server elsewhere with --server-url, more --processes where there are cores to spare), or ramp to fewer clients here";

    /// <summary>True when any process ran more than the tolerance behind schedule at least once.</summary>
    public bool Saturated => Processes.Any(p => p.OverTolerance > 0);

    /// <summary>Of the processes that ran past the tolerance, the one that ran latest; null when none did.</summary>
    private ProcessLag? WorstSaturated => Processes.Where(p => p.OverTolerance > 0).MaxBy(p => p.MaxMs);

    /// <summary>What to tell the user when <see cref="Saturated"/>; null otherwise.</summary>
    public string? Warning
    {
        get
        {
            var worst = WorstSaturated;
            if (worst is null)
            {
                return null;
            }

            var others = Processes.Count(p => p.OverTolerance > 0) - 1;
            return FormattableString.Invariant($"the harness ran behind its own schedule: {worst.Process} up to {worst.MaxMs / 1000.0:0.0} s late (at {worst.WorstAtMs / 1000.0:0} s), ")
                + FormattableString.Invariant($"{worst.OverTolerance} of {worst.Samples} ticks later than the {ToleranceMs} ms scheduling tolerance")
                + (others > 0 ? FormattableString.Invariant($" ({others} other process(es) too)") : "")
                + ". Its clients' heartbeats, retries and deliveries waited as long. "
                + (ForLoadRun ? "" : "The backoff, offline-replay and convergence checks allowed each wait the lateness measured in its own window; ")
                + $"{(ForLoadRun ? "The" : "the")} latency SLOs, and the reconnects late heartbeats cause, describe this machine as much as the server: {Remedy}.";
        }
    }

    /// <summary>
    /// What a breached time SLO (an <c>_ms</c> metric) must say when the harness was <see cref="Saturated"/>: that the
    /// breach may be the load machine's. Null for a met SLO, a ratio, or a harness that kept its schedule. The exit code
    /// stays the breach's: a gate must not pass a slow run on the machine's word, but whoever reads it should know.
    /// </summary>
    public string? SloCaveat(SloResult slo)
    {
        ArgumentNullException.ThrowIfNull(slo);
        var worst = WorstSaturated;
        return worst is null || slo.Passed || slo.Unit != "ms"
            ? null
            : FormattableString.Invariant($"the harness ran up to {worst.MaxMs / 1000.0:0.0} s behind its own schedule ({worst.Process}), so the breach may be the load machine's");
    }

    /// <summary>Summarises each process's samples against <paramref name="tolerance"/>.</summary>
    public static HarnessLoad From(IEnumerable<ProcessLagSamples> processes, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(processes);
        var toleranceMs = (long)tolerance.TotalMilliseconds;
        return new HarnessLoad
        {
            ToleranceMs = toleranceMs,
            Processes = [.. processes.Where(p => p.Samples.Count > 0).Select(p => ProcessLag.Of(p, toleranceMs))],
        };
    }
}

/// <summary>One process's scheduling lag: nearest-rank percentiles of its ticks' lateness, ms.</summary>
/// <param name="Process">"chatsim" for a one-process run, else "coordinator" or "worker N".</param>
/// <param name="Samples">Ticks measured (ten a second where clients run, one a second at a coordinator).</param>
/// <param name="P50Ms">Median lateness.</param>
/// <param name="P99Ms">99th percentile lateness.</param>
/// <param name="MaxMs">Worst lateness.</param>
/// <param name="WorstAtMs">When the worst tick ended, ms on the run clock.</param>
/// <param name="OverTolerance">Ticks later than the scheduling tolerance.</param>
public sealed record ProcessLag(string Process, int Samples, long P50Ms, long P99Ms, long MaxMs, long WorstAtMs, int OverTolerance)
{
    /// <summary>"scheduling lag p50 … ms, p99 … ms, max … ms (n ticks, k over t ms)" for the console.</summary>
    public string Describe(long toleranceMs) =>
        FormattableString.Invariant($"scheduling lag p50 {P50Ms} ms, p99 {P99Ms} ms, max {MaxMs} ms ({Samples} ticks, {OverTolerance} over {toleranceMs} ms)");

    internal static ProcessLag Of(ProcessLagSamples p, long toleranceMs)
    {
        var sorted = p.Samples.Select(s => s.LagMs).Order().ToArray();
        var worst = p.Samples.MaxBy(s => s.LagMs)!;
        return new ProcessLag(
            p.Process, sorted.Length, Rank(sorted, 50), Rank(sorted, 99), sorted[^1], worst.AtMs, sorted.Count(l => l > toleranceMs));
    }

    private static long Rank(long[] sorted, double percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
