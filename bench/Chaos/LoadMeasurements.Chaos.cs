using ChatResilience.Bench.Chaos;

namespace ChatResilience.Bench;

public static partial class LoadMeasurements
{
    static partial void RegisterChaos()
    {
        Register("proxy-throughput", ProxyThroughputMeasurement.RunAsync);
        Register("proxy-accuracy", ProxyAccuracyMeasurement.RunAsync);
        Register("proxy-slicer-cost", ProxySlicerCostMeasurement.RunAsync);
    }
}
