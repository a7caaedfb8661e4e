namespace ChatResilience.Simulator.Invariants;

/// <summary>One breach of a guarantee, with enough detail to find the event in the history.</summary>
public sealed record Violation
{
    public required string Checker { get; init; }
    public required string Message { get; init; }
    public string? Room { get; init; }
    public long? Seq { get; init; }
    public string? ClientId { get; init; }
    public string? MessageId { get; init; }

    /// <summary>Milliseconds since the run started.</summary>
    public long AtMs { get; init; }
}
