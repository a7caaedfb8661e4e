namespace ChatResilience.Simulator.Cli;

/// <summary>Bad command-line arguments (exit 64).</summary>
public sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
