namespace ChatResilience.Simulator.Reports;

/// <summary>One run of several (<c>--repeat</c>, <c>--seeds</c>) as <c>runs.json</c> lists it.</summary>
public sealed record RunOutcome
{
    public int Seed { get; init; }

    /// <summary>The run's exit code (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; init; }

    /// <summary>The checkers that failed, then the breached SLOs as <c>slo:name</c>.</summary>
    public IReadOnlyList<string> Failed { get; init; } = [];

    /// <summary>The run's report folder.</summary>
    public required string Directory { get; init; }

    public required string RepeatCommand { get; init; }
}
