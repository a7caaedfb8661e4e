using ChatResilience.Bench.Simulator;

namespace ChatResilience.Bench;

public static partial class LoadMeasurements
{
    static partial void RegisterSimulator() => Register("history", HistoryMemoryMeasurement.RunAsync);
}
