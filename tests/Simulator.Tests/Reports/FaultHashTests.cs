using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class FaultHashTests
{
    private static FaultEvent F(long at, string action, string id, string description) =>
        new() { AtMs = at, Action = action, FaultId = id, Description = description };

    [Fact]
    public void Compute_SameActionsAtDifferentTimes_SameHash()
    {
        var a = FaultHash.Compute([F(100, "applied", "f1", "latency p1 200ms"), F(900, "removed", "f1", "latency p1 200ms")]);
        var b = FaultHash.Compute([F(130, "applied", "f1", "latency p1 200ms"), F(950, "removed", "f1", "latency p1 200ms")]);

        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{64}$", a);
    }

    [Fact]
    public void Compute_DifferentActionsOrderOrDescriptions_DifferentHashes()
    {
        var hashes = new[]
        {
            FaultHash.Compute([F(1, "applied", "f1", "latency 200ms"), F(2, "removed", "f1", "latency 200ms")]),
            FaultHash.Compute([F(1, "applied", "f1", "latency 300ms"), F(2, "removed", "f1", "latency 300ms")]),
            FaultHash.Compute([F(1, "removed", "f1", "latency 200ms"), F(2, "applied", "f1", "latency 200ms")]),
            FaultHash.Compute([F(1, "applied", "f2", "latency 200ms"), F(2, "removed", "f2", "latency 200ms")]),
            FaultHash.Compute([F(1, "applied", "f1", "latency 200ms")]),
            FaultHash.Compute([F(1, "applied", "f", "1latency 200ms")]),
            FaultHash.Compute([]),
        };

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Fact]
    public void Compute_FromHistory_UsesOnlyFaultEventsInOrder()
    {
        var history = new RecordedHistory(
        [
            new HarnessEvent { AtMs = 5, Kind = HarnessEventKinds.ServerRestart },
            F(10, "applied", "f1", "d"),
            F(20, "removed", "f1", "d"),
        ]);

        Assert.Equal(FaultHash.Compute([F(0, "applied", "f1", "d"), F(0, "removed", "f1", "d")]), FaultHash.Compute(history));
    }
}
