using ChatResilience.Chaos.Faults;

namespace ChatResilience.Chaos.Tests.Faults;

public class FaultJsonTests
{
    [Fact]
    public void Deserialize_TheBriefsExample()
    {
        var fault = Assert.IsType<LatencyFault>(FaultJson.Deserialize(
            """{"type":"latency","proxy":"group-a","direction":"downstream","toxicity":1,"start":"00:00:05","duration":"00:00:10","latencyMs":200,"jitterMs":50}"""));
        Assert.Equal("group-a", fault.Proxy);
        Assert.Equal(FaultDirection.Downstream, fault.Direction);
        Assert.Equal(TimeSpan.FromSeconds(5), fault.Start);
        Assert.Equal(TimeSpan.FromSeconds(10), fault.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(200), fault.Latency);
        Assert.Equal(TimeSpan.FromMilliseconds(50), fault.Jitter);
    }

    [Fact]
    public void RoundTrip_EveryFaultType_IsLossless()
    {
        IReadOnlyList<Fault> faults =
        [
            new LatencyFault { Proxy = "a", Latency = TimeSpan.FromMilliseconds(10), Jitter = TimeSpan.FromMilliseconds(2), Duration = TimeSpan.FromSeconds(1) },
            new BandwidthFault { Proxy = "a", Direction = FaultDirection.Both, RateKBps = 100 },
            new SlowCloseFault { Proxy = "a", Delay = TimeSpan.FromMilliseconds(300), Toxicity = 0.5 },
            new TimeoutFault { Proxy = "a", Timeout = TimeSpan.FromSeconds(2), Start = TimeSpan.FromSeconds(3) },
            new ResetPeerFault { Proxy = "a", Direction = FaultDirection.Upstream, Timeout = TimeSpan.FromMilliseconds(5) },
            new SlicerFault { Proxy = "a", AverageSize = 10, SizeVariation = 3, Delay = TimeSpan.FromTicks(5_000) },
            new LimitDataFault { Proxy = "a", Bytes = 1024 },
            new NoopFault { Proxy = "a" },
            new DownFault { Proxy = "b", Start = TimeSpan.FromSeconds(1), Duration = TimeSpan.FromSeconds(2) },
        ];
        var json = FaultJson.Serialize(faults);
        Assert.Equal(faults, FaultJson.DeserializeList(json));
        Assert.Contains("\"type\":\"slow_close\"", json, StringComparison.Ordinal);
        Assert.Contains("\"delayUs\":500", json, StringComparison.Ordinal);
        Assert.Contains("\"direction\":\"both\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_TypeNeedNotComeFirst_AndDefaultsApply()
    {
        var fault = Assert.IsType<DownFault>(FaultJson.Deserialize("""{"proxy":"x","type":"down"}"""));
        Assert.Equal(TimeSpan.Zero, fault.Start);
        Assert.Null(fault.Duration);
        Assert.Equal(1.0, fault.Toxicity);
        Assert.Equal(FaultDirection.Downstream, fault.Direction);
        Assert.Equal(1, Assert.IsType<SlicerFault>(FaultJson.Deserialize("""{"type":"slicer","proxy":"x"}""")).AverageSize);
    }

    [Theory]
    [InlineData("""{"type":"latency","latencyMs":5}""", "proxy: required")]
    [InlineData("""{"type":"latency","proxy":"a","latencyMs":-5}""", "latencyMs: must be between 0")]
    [InlineData("""{"type":"latency","proxy":"a","toxicity":2}""", "toxicity: must be between 0 and 1")]
    [InlineData("""{"type":"latency","proxy":"a","duration":"00:00:00"}""", "duration: must be positive")]
    [InlineData("""{"type":"latency","proxy":"a","start":"-00:00:01"}""", "start: must not be negative")]
    [InlineData("""{"type":"slicer","proxy":"a","averageSize":0}""", "averageSize: must be between 1")]
    [InlineData("""{"type":"slicer","proxy":"a","averageSize":5,"sizeVariation":6}""", "sizeVariation: must be between 0 and 5")]
    [InlineData("""{"type":"bandwidth","proxy":"a","rateKBps":-1}""", "rateKBps: must be between 0")]
    public void Deserialize_InvalidField_IsRejectedNamingTheField(string json, string expected)
    {
        var error = Assert.Throws<FaultValidationException>(() => FaultJson.Deserialize(json));
        Assert.Contains(error.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"type":"gremlin","proxy":"a"}""")]
    [InlineData("""{"proxy":"a"}""")]
    [InlineData("""{"type":"latency","proxy":"a","direction":"sideways"}""")]
    [InlineData("""{"type":"latency","proxy":"a","latencyMs":"slow"}""")]
    [InlineData("""{"type":"latency",""")]
    public void Deserialize_MalformedOrUnknown_IsAValidationError(string json) =>
        Assert.Throws<FaultValidationException>(() => FaultJson.Deserialize(json));

    [Fact]
    public void DeserializeList_ReportsEveryProblemWithItsIndex()
    {
        var error = Assert.Throws<FaultValidationException>(() => FaultJson.DeserializeList(
            """[{"type":"noop","proxy":"a"},{"type":"latency","latencyMs":-1},{"type":"down"}]"""));
        Assert.Contains("[1] latency.proxy: required", error.Problems);
        Assert.Contains(error.Problems, p => p.StartsWith("[1] latency.latencyMs", StringComparison.Ordinal));
        Assert.Contains("[2] down.proxy: required", error.Problems);
    }
}
