namespace ChatResilience.Simulator.Cli;

/// <summary>One service-level objective measured against its threshold.</summary>
public sealed record SloOutcome
{
    public required string Metric { get; init; }
    public required double Threshold { get; init; }

    /// <summary>The measured value; NaN when there was nothing to measure.</summary>
    public required double Value { get; init; }

    /// <summary>True for a lower bound (<c>_min</c> metrics): the value must be at least the threshold.</summary>
    public required bool LowerBound { get; init; }
    public required long Samples { get; init; }

    /// <summary>Breached only by a measured value on the wrong side; no samples is not a breach (the checkers' minimums cover that).</summary>
    public bool Breached => !double.IsNaN(Value) && (LowerBound ? Value < Threshold : Value > Threshold);
}
