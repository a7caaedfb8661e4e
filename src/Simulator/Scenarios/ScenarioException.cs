namespace ChatResilience.Simulator.Scenarios;

/// <summary>A scenario file that cannot be run; <see cref="Errors"/> lists every problem, each naming its field.</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(string source, IReadOnlyList<string> errors)
        : base($"{source}: invalid scenario:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Source = source;
        Errors = errors;
    }

    public ScenarioException()
        : this("scenario", [])
    {
    }

    public ScenarioException(string message)
        : this("scenario", [message])
    {
    }

    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Each problem as <c>field.path: what is wrong</c>.</summary>
    public IReadOnlyList<string> Errors { get; }
}
