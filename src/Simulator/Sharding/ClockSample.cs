namespace ChatResilience.Simulator.Sharding;

/// <summary>One clock probe: local ms when the request left, the coordinator's ms in the answer, local ms when it came back.</summary>
public readonly record struct ClockSample(double SentLocalMs, double CoordinatorMs, double ReceivedLocalMs)
{
    public double RoundTripMs => ReceivedLocalMs - SentLocalMs;
}
