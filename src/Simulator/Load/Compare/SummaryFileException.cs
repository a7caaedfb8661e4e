namespace ChatResilience.Simulator.Load.Compare;

/// <summary>A summary file compare cannot use (exit 64); the message names the file and the field.</summary>
public sealed class SummaryFileException : Exception
{
    public SummaryFileException()
    {
    }

    public SummaryFileException(string message)
        : base(message)
    {
    }

    public SummaryFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
