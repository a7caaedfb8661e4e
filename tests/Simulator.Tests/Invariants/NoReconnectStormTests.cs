using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class NoReconnectStormTests
{
    /// <summary>20 clients drop at once; immediate retries fail; then each waits <paramref name="delay"/>(i).</summary>
    private static HistoryBuilder MassDisconnect(Func<int, long> delay, int clients = 20)
    {
        var h = new HistoryBuilder();
        for (var i = 0; i < clients; i++)
        {
            h.Attempt(0, $"c{i}");
        }

        for (var i = 0; i < clients; i++)
        {
            h.Closed(5_000 + i, $"c{i}");
        }

        for (var i = 0; i < clients; i++)
        {
            h.Attempt(5_010 + i, $"c{i}", "failed");
            h.Attempt(5_010 + i + delay(i), $"c{i}");
        }

        return h;
    }

    [Fact]
    public void Check_JitteredRetries_Pass()
    {
        var random = new Random(11);
        var r = new NoReconnectStorm().Check(MassDisconnect(_ => 50 + random.Next(51)).Build(), HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(20, r.Samples);
        Assert.Equal("1", r.Details["massDisconnects"]);
    }

    [Fact]
    public void Check_EveryoneRetriesAtOnce_Fails()
    {
        // Within the policy's bounds for attempt 1 (50..100 ms) but all at the same instant: a storm.
        var r = new NoReconnectStorm().Check(MassDisconnect(i => 75 - i).Build(), HistoryBuilder.Context());

        var v = Assert.Single(r.Violations);
        Assert.Equal(5_085L, v.AtMs);
        Assert.Contains("20 of their next attempts", v.Message, StringComparison.Ordinal);
        Assert.Empty(new BackoffWithinPolicy().Check(MassDisconnect(i => 75 - i).Build(), HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_FewDisconnects_AreNoMassDisconnect_Inconclusive()
    {
        var r = new NoReconnectStorm().Check(MassDisconnect(_ => 75, clients: 5).Build(), HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Inconclusive, r.Status);
        Assert.Equal("0", r.Details["massDisconnects"]);
    }
}
