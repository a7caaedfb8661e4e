namespace ChatResilience.Simulator.Reports;

/// <summary>One service-level objective of the scenario and what the run measured against it.</summary>
public sealed record SloResult
{
    /// <summary>E.g. <c>delivery.p99</c>.</summary>
    public required string Name { get; init; }

    /// <summary>E.g. <c>ms</c>, <c>ratio</c>.</summary>
    public required string Unit { get; init; }

    public double Threshold { get; init; }

    public double Observed { get; init; }

    public bool Passed { get; init; }
}
