using ChatResilience.Simulator.Reports;
using static ChatResilience.Simulator.Tests.Reports.ReportSamples;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class ExitCodesTests
{
    [Theory]
    // failed invariant, breached SLO, inconclusive invariant, harness failed → exit code
    [InlineData(false, false, false, false, 0)]
    [InlineData(false, false, true, false, 3)]
    [InlineData(false, true, false, false, 2)]
    [InlineData(false, true, true, false, 2)]
    [InlineData(true, false, false, false, 1)]
    [InlineData(true, true, true, false, 1)]
    [InlineData(false, false, false, true, 4)]
    [InlineData(true, true, true, true, 4)]
    public void From_AppliesPrecedence_4_1_2_3_0(bool failed, bool breached, bool inconclusive, bool harness, int expected)
    {
        var results = new[] { Passed("A"), failed ? Failed("B") : Passed("B"), inconclusive ? Inconclusive("C") : Passed("C") };
        var slos = new[] { Slo("p99", passed: !breached), Slo("p50", passed: true) };

        Assert.Equal(expected, ExitCodes.From(results, slos, harness));
    }

    [Fact]
    public void Constants_MatchTheDocumentedCodes()
    {
        Assert.Equal((0, 1, 2, 3, 4, 64), (ExitCodes.Pass, ExitCodes.InvariantViolated, ExitCodes.SloBreached, ExitCodes.Inconclusive, ExitCodes.HarnessFailure, ExitCodes.BadArguments));
    }
}
