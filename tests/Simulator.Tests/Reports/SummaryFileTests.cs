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
        Assert.Contains("\"reproCommand\":", json, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_Garbage_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => SummaryFile.FromJson("{\"seed\": \"x\"}"));
    }
}
