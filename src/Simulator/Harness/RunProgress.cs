namespace ChatResilience.Simulator.Harness;

/// <summary>One progress reading (the display shows it; the watchdog reads the same numbers).</summary>
public sealed record RunProgress
{
    public required string Phase { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required int Clients { get; init; }
    public required long Connected { get; init; }
    public required long Sent { get; init; }
    public required long Acked { get; init; }
    public required long Delivered { get; init; }
    public required long Failed { get; init; }
    public required long Reconnects { get; init; }
    public required long ActiveFaults { get; init; }
    public required long OutboxDepth { get; init; }
}

/// <summary>Where the runner reports progress (a live terminal display, or plain lines in CI logs).</summary>
public interface IRunProgressSink
{
    void Report(RunProgress progress);
}
