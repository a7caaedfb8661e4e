using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Tests.Sharding;

public sealed class ShardBudgetTests
{
    [Fact]
    public void Budget_WorkerHoldsThreeSocketsPerClient_TenThousandClientsNeedTwoWorkers()
    {
        Assert.Equal((FileBudget.ProcessLimit - FileBudget.Margin) / 3, ShardBudget.MaxClientsPerWorker);
        Assert.Equal(2, ShardBudget.WorkersFor(10_000));
        Assert.Equal(2, ShardBudget.WorkersFor(100));
        Assert.Equal(3, ShardBudget.WorkersFor(15_000));
        Assert.Null(ShardBudget.Check(10_000, 2));
    }

    [Fact]
    public void Budget_TooFewWorkers_SaysHowManyAreNeeded()
    {
        var problem = ShardBudget.Check(10_000, 1);

        Assert.NotNull(problem);
        Assert.Contains("--workers 2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Budget_ServerProcessIsTheCeilingAndItsCapStaysBelowTheLimit()
    {
        Assert.Contains("server process", ShardBudget.Check(25_000, 8), StringComparison.Ordinal);
        Assert.True(ShardBudget.ServerConnectionCap(10_000) <= FileBudget.ProcessLimit - FileBudget.Margin);
        Assert.Equal(2_100, ShardBudget.ServerConnectionCap(1_000));
    }
}
