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

    /// <summary>
    /// Start of the span the violation is about, when it began well before <see cref="AtMs"/> (a reconnect delay
    /// starts at the close that began the wait): the violation's slice of history reaches back to it for the
    /// violation's own client. Null: <see cref="AtMs"/> alone.
    /// </summary>
    public long? FromMs { get; init; }

    /// <summary>End of that span (e.g. the late attempt's outcome): the slice reaches forward to it. Null: <see cref="AtMs"/>.</summary>
    public long? ToMs { get; init; }
}
