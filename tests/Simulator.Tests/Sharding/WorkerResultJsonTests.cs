using System.Text.Json;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Tests.Sharding;

public sealed class WorkerResultJsonTests
{
    [Fact]
    public void SchedulingLag_RoundTripsOnTheWire_AndIsOptional()
    {
        var result = new WorkerResult
        {
            WorkerId = 2, Clients = 10, ShiftMs = 1.5, ClockOffsetMs = 0.1, ClockUncertaintyMs = 0.2,
            SchedulingLag = [new SchedulingLagSample(61_000, 3), new SchedulingLagSample(62_004, 2_750)],
        };

        var json = JsonSerializer.Serialize(result, ShardingJsonContext.Default.WorkerResult);
        var back = JsonSerializer.Deserialize(json, ShardingJsonContext.Default.WorkerResult)!;
        var older = JsonSerializer.Deserialize("""{"workerId":1,"clients":5,"shiftMs":0,"clockOffsetMs":0,"clockUncertaintyMs":0}""", ShardingJsonContext.Default.WorkerResult)!;

        Assert.Contains("\"schedulingLag\":[{\"atMs\":61000,\"lagMs\":3}", json, StringComparison.Ordinal);
        Assert.Equal(result.SchedulingLag, back.SchedulingLag);
        Assert.Null(older.SchedulingLag);
    }
}
