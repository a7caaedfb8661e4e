namespace ChatResilience.Simulator.Harness;

/// <summary>The harness or a fault injector failed (exit 4): not a verdict on the system under test.</summary>
public sealed class HarnessException : Exception
{
    public HarnessException()
    {
    }

    public HarnessException(string message)
        : base(message)
    {
    }

    public HarnessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
