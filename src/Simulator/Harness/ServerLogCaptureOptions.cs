namespace ChatResilience.Simulator.Harness;

/// <summary>How much of the embedded server's log a run keeps for its violation slices.</summary>
public sealed record ServerLogCaptureOptions
{
    /// <summary>The default <see cref="Capacity"/>: 20 000 lines.</summary>
    public const int DefaultCapacity = 20_000;

    /// <summary>Lowest level kept for the server's own categories (<c>ChatResilience.*</c>). Default: Information.</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    /// <summary>
    /// Lowest level kept for other categories (ASP.NET Core, Kestrel), whose Information lines are one per request
    /// and say nothing about the protocol. Default: Warning.
    /// </summary>
    public LogLevel FrameworkMinimumLevel { get; init; } = LogLevel.Warning;

    /// <summary>Most lines kept; beyond it the oldest are dropped (and counted). Default: <see cref="DefaultCapacity"/>.</summary>
    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>Every bad field with its allowed range; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Capacity < 1)
        {
            problems.Add($"{nameof(Capacity)}: must be ≥ 1 (was {Capacity})");
        }

        if (!Enum.IsDefined(MinimumLevel))
        {
            problems.Add($"{nameof(MinimumLevel)}: must be a LogLevel (was {(int)MinimumLevel})");
        }

        if (!Enum.IsDefined(FrameworkMinimumLevel))
        {
            problems.Add($"{nameof(FrameworkMinimumLevel)}: must be a LogLevel (was {(int)FrameworkMinimumLevel})");
        }

        return problems;
    }
}
