using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports;
using static ChatResilience.Simulator.Tests.Reports.ReportSamples;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class SummaryFileTests
{
    [Fact]
    public async Task WriteThenRead_RoundTripsEveryField()
    {
        using var dir = new History.TempDirectory();
        var summary = Summary([Passed("A"), Failed("B"), Inconclusive("C")], [Slo("p99", true), Slo("max", false)]);
        var path = dir.File("summary.json");

        await SummaryFile.WriteAsync(path, summary);
        var back = await SummaryFile.ReadAsync(path);

        Assert.Equal(SummaryFile.ToJson(summary), SummaryFile.ToJson(back));
        Assert.Equal((42L, "abc123", 1, InvariantStatus.Failed), (back.Seed, back.GitCommit, back.ExitCode, back.Invariants[1].Status));
        Assert.Equal("m1", back.Invariants[1].Violations[0].MessageId);
        Assert.Equal(summary.Duration, back.Duration);
        Assert.Equal(summary.Counts, back.Counts);
        Assert.Equal(summary.Machine, back.Machine);
    }

    [Fact]
    public void ToJson_WritesStatusAsStringAndCamelCase()
    {
        var json = SummaryFile.ToJson(Summary([Inconclusive("C")], []));

        Assert.Contains("\"status\": \"Inconclusive\"", json, StringComparison.Ordinal);
        Assert.Contains("\"repeatCommand\":", json, StringComparison.Ordinal);
        Assert.Contains("\"executedFaultHash\":", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_KeepsTheFirstViolationsOfEachCheckerAndTheirCount()
    {
        var many = Failed("B") with { ViolationCount = 40, Violations = [.. Enumerable.Range(0, 40).Select(i => Failed("B").Violations[0] with { AtMs = i })] };

        var back = SummaryFile.FromJson(SummaryFile.ToJson(Summary([many], [])));

        Assert.Equal(SummaryFile.ViolationsPerChecker, back.Invariants[0].Violations.Count);
        Assert.Equal((40L, InvariantStatus.Failed), (back.Invariants[0].ViolationCount, back.Invariants[0].Status));
    }

    [Fact]
    public void ToJson_UnmeasuredSlo_IsNullAndNotBreached()
    {
        var json = SummaryFile.ToJson(Summary([], [SloResult.Judge("delivery_latency_p99_ms", 500, double.NaN, 0)]));

        var slo = SummaryFile.FromJson(json).Slos[0];
        Assert.Equal((null, true), (slo.Observed, slo.Passed));
    }

    [Fact]
    public void FromJson_Garbage_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => SummaryFile.FromJson("{\"seed\": \"x\"}"));
    }
}
