namespace ChatResilience.Simulator.Reports;

/// <summary>
/// <c>runs.json</c> beside the run folders of <c>chatsim run --repeat N</c> or <c>--seeds N</c>: every run's seed, exit
/// code, what failed and how to repeat it, so a CI job can read which seeds fail (or how often one does) without parsing
/// the console.
/// </summary>
public sealed record RunSeries
{
    public const string FileName = "runs.json";

    public const string SeedsKind = "seeds";

    public const string RepeatKind = "repeat";

    /// <summary><see cref="SeedsKind"/>: consecutive seeds once each; <see cref="RepeatKind"/>: one seed again and again.</summary>
    public required string Kind { get; init; }

    public required string Scenario { get; init; }

    /// <summary>The worst run's exit code, as the process exits with.</summary>
    public int ExitCode { get; init; }

    public IReadOnlyList<RunOutcome> Runs { get; init; } = [];
}
