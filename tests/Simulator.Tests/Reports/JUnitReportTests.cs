using System.Xml.Linq;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;
using static ChatResilience.Simulator.Tests.Reports.ReportSamples;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class JUnitReportTests
{
    [Fact]
    public async Task Build_OneCasePerCheckerAndSloPlusHarness_CountsFailuresIncludingInconclusive()
    {
        using var dir = new History.TempDirectory();
        var document = JUnitReport.Build(Summary(
            [Passed("NoDuplicateDelivery"), Failed("NoAckedMessageLost"), Inconclusive("AssistantAnsweredOnce")],
            [Slo("delivery_latency_p99_ms", passed: true), Slo("settle_time_p99_ms", passed: false)]));
        var path = dir.File("junit.xml");
        await JUnitReport.WriteAsync(path, document);

        var xml = XDocument.Load(path); // well-formed, or this throws
        var suite = Assert.Single(xml.Root!.Elements("testsuite"));
        Assert.Equal(("chatsim.flaky-mobile", "6", "3", "0", "61.500"),
            ((string)suite.Attribute("name")!, (string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!, (string)suite.Attribute("errors")!, (string)suite.Attribute("time")!));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(3, cases.Count(c => (string)c.Attribute("classname")! == "chatsim.flaky-mobile.invariants"));
        Assert.Equal(2, cases.Count(c => (string)c.Attribute("classname")! == "chatsim.flaky-mobile.slo"));
        Assert.Equal("harness", (string)cases[^1].Attribute("name")!);
        var failureTypes = cases.Select(c => (string?)c.Element("failure")?.Attribute("type")).ToList();
        Assert.Equal([null, "violation", "inconclusive", null, "slo", null], failureTypes);
        Assert.Contains("lost <m1> & more", (string)cases[1].Element("failure")!.Attribute("message")!, StringComparison.Ordinal);
        Assert.Contains("observed 900 ms, upper bound 500 ms", (string)cases[4].Element("failure")!.Attribute("message")!, StringComparison.Ordinal);
        Assert.Empty(suite.Descendants("skipped"));
        Assert.Empty(suite.Descendants("error"));
    }

    [Fact]
    public void Build_SloNothingMeasured_InLoadMode_IsAnInconclusiveFailure()
    {
        var document = JUnitReport.Build(Summary([], [Slo("delivery_latency_p99_ms", passed: true) with { Observed = null, Samples = 0, Inconclusive = true }]));

        var slo = Assert.Single(document.Descendants("testcase"), c => (string)c.Attribute("name")! == "delivery_latency_p99_ms");
        var failure = slo.Element("failure")!;
        Assert.Equal("inconclusive", (string)failure.Attribute("type")!);
        Assert.Contains("no samples", (string)failure.Attribute("message")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HarnessFailed_IsAnErrorOfTheHarnessCaseListingStuckClients()
    {
        var summary = Summary([Passed("A")], []) with { HarnessError = "watchdog: no progress", StuckClients = ["c-1: connecting"] };

        var suite = JUnitReport.Build(summary).Root!.Element("testsuite")!;

        Assert.Equal("1", (string)suite.Attribute("errors")!);
        var error = Assert.Single(suite.Descendants("error"));
        Assert.Equal("watchdog: no progress", (string)error.Attribute("message")!);
        Assert.Equal("c-1: connecting", error.Value);
    }

    [Fact]
    public void Build_SaturatedHarness_WarnsInTheHarnessCaseWithoutFailingIt()
    {
        var load = HarnessLoad.From([new ProcessLagSamples("worker 1", [new(50_000, 7_000)])], TimeSpan.FromSeconds(2));
        var calm = HarnessLoad.From([new ProcessLagSamples("worker 1", [new(50_000, 7)])], TimeSpan.FromSeconds(2));

        var saturated = JUnitReport.Build(Summary([Passed("A")], []) with { HarnessLoad = load }).Root!.Element("testsuite")!;
        var onTime = JUnitReport.Build(Summary([Passed("A")], []) with { HarnessLoad = calm }).Root!.Element("testsuite")!;

        var harness = saturated.Elements("testcase").Single(c => (string)c.Attribute("name")! == "harness");
        Assert.StartsWith("warning: the harness ran behind its own schedule: worker 1 up to 7.0 s late", harness.Element("system-out")!.Value, StringComparison.Ordinal);
        Assert.Equal(("0", "0"), ((string)saturated.Attribute("failures")!, (string)saturated.Attribute("errors")!));
        Assert.Null(onTime.Elements("testcase").Single(c => (string)c.Attribute("name")! == "harness").Element("system-out"));
    }

    [Fact]
    public void Build_BreachedTimeSlo_OfASaturatedHarness_SaysTheBreachMayBeTheMachines()
    {
        var load = HarnessLoad.From([new ProcessLagSamples("worker 1", [new(50_000, 7_000)])], TimeSpan.FromSeconds(2));
        var slos = new[] { Slo("settle_time_p99_ms", passed: false) };

        string Message(HarnessLoad harness) =>
            (string)JUnitReport.Build(Summary([Passed("A")], slos) with { HarnessLoad = harness }).Descendants("failure").Single().Attribute("message")!;

        Assert.EndsWith(
            "upper bound 500 ms; the harness ran up to 7.0 s behind its own schedule (worker 1), so the breach may be the load machine's (see the harness case)",
            Message(load),
            StringComparison.Ordinal);
        Assert.EndsWith("upper bound 500 ms", Message(new HarnessLoad()), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HistoryKeptInMemory_WarnsInTheHarnessCase()
    {
        var suite = JUnitReport.Build(Summary([Passed("A")], []) with { HistorySpillError = "spilling the history to /x failed (disk full); it is kept in memory instead" }).Root!.Element("testsuite")!;

        var harness = suite.Elements("testcase").Single(c => (string)c.Attribute("name")! == "harness");
        Assert.Equal("warning: history: spilling the history to /x failed (disk full); it is kept in memory instead", harness.Element("system-out")!.Value);
        Assert.Equal("0", (string)suite.Attribute("errors")!);
    }
}
