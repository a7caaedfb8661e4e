using BenchmarkDotNet.Attributes;
using ChatResilience.Chaos.Proxy.Internal;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Bench.Chaos;

/// <summary>Per-chunk costs of the toxic logic: `dotnet run -c Release --project bench -- --filter '*ToxicMath*'`.</summary>
[MemoryDiagnoser]
public class ToxicMathBenchmarks
{
    private readonly Random _random = new(1);

    [Benchmark]
    public int SlicerPlan32KiB() => SlicerPlan.Offsets(_random, 32 * 1024, 1024, 256).Count;

    [Benchmark]
    public TimeSpan LatencyDrawWithJitter() => LatencyDraw.Next(_random, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10));

    [Benchmark]
    public int StableSeedCompute() => StableSeed.Compute(42, "group-a", 12345);
}
