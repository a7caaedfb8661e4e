namespace ChatResilience.Simulator.Reports;

/// <summary>One structured log line of the server, timestamped on the run clock.</summary>
public sealed record ServerLogLine
{
    /// <summary>Milliseconds since the run started (the history's clock).</summary>
    public long AtMs { get; init; }

    /// <summary>E.g. <c>Information</c>, <c>Warning</c>.</summary>
    public string Level { get; init; } = "Information";

    /// <summary>The logger's category (the server component).</summary>
    public string Category { get; init; } = "";

    /// <summary>The <c>[LoggerMessage]</c> event id (0 when the line has none).</summary>
    public int EventId { get; init; }

    /// <summary>The event's name, when it has one.</summary>
    public string? EventName { get; init; }

    /// <summary>The formatted message.</summary>
    public required string Message { get; init; }

    /// <summary>The exception's type and message, when the line carries one.</summary>
    public string? Exception { get; init; }
}
