using ChatResilience.Chaos.Faults;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Harness;

/// <summary>Turns a planned network fault into chaos's fault record for the group's proxy.</summary>
internal static class FaultMapping
{
    public static Fault ToChaosFault(PlannedFault f, string proxyName)
    {
        TimeSpan Ms(string name) => TimeSpan.FromMilliseconds(f.Attributes.GetValueOrDefault(name));
        Fault fault = f.Type switch
        {
            FaultTypes.Latency => new LatencyFault { Latency = Ms("latency"), Jitter = Ms("jitter") },
            FaultTypes.Bandwidth => new BandwidthFault { RateKBps = f.Attributes.GetValueOrDefault("rate") },
            FaultTypes.SlowClose => new SlowCloseFault { Delay = Ms("delay") },
            FaultTypes.Timeout => new TimeoutFault { Timeout = Ms("timeout") },
            FaultTypes.ResetPeer => new ResetPeerFault { Timeout = Ms("timeout") },
            FaultTypes.Slicer => new SlicerFault
            {
                AverageSize = (int)f.Attributes.GetValueOrDefault("average_size", 1),
                SizeVariation = (int)f.Attributes.GetValueOrDefault("size_variation"),
                Delay = TimeSpan.FromTicks(f.Attributes.GetValueOrDefault("delay") * TimeSpan.TicksPerMicrosecond),
            },
            FaultTypes.LimitData => new LimitDataFault { Bytes = f.Attributes.GetValueOrDefault("bytes") },
            FaultTypes.Down => new DownFault(),
            _ => throw new ArgumentException($"{f.Type} is not a network fault", nameof(f)),
        };

        return fault with
        {
            Proxy = proxyName,
            Direction = f.Direction switch { "upstream" => FaultDirection.Upstream, "both" => FaultDirection.Both, _ => FaultDirection.Downstream },
            Toxicity = f.Toxicity,
            Start = TimeSpan.FromMilliseconds(f.StartMs),
            Duration = f.EndMs is { } end ? TimeSpan.FromMilliseconds(end - f.StartMs) : null,
        };
    }
}
