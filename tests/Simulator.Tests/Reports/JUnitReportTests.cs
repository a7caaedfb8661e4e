using System.Xml.Linq;
using ChatResilience.Simulator.Reports;
using static ChatResilience.Simulator.Tests.Reports.ReportSamples;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class JUnitReportTests
{
    [Fact]
    public async Task Build_OneCasePerCheckerAndSlo_CountsFailuresIncludingInconclusive()
    {
        using var dir = new History.TempDirectory();
        var document = JUnitReport.Build(
            [Passed("NoDuplicateDelivery"), Failed("NoAckedMessageLost"), Inconclusive("AssistantAnsweredOnce")],
            [Slo("delivery.p99", passed: true), Slo("delivery.max", passed: false)],
            TimeSpan.FromSeconds(61.5));
        var path = dir.File("junit.xml");
        await JUnitReport.WriteAsync(path, document);

        var xml = XDocument.Load(path); // well-formed, or this throws
        var suite = Assert.Single(xml.Root!.Elements("testsuite"));
        Assert.Equal(("chatsim", "5", "3", "61.500"), ((string)suite.Attribute("name")!, (string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!, (string)suite.Attribute("time")!));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(3, cases.Count(c => (string)c.Attribute("classname")! == "chatsim.invariants"));
        Assert.Equal(2, cases.Count(c => (string)c.Attribute("classname")! == "chatsim.slo"));
        var failureTypes = cases.Select(c => (string?)c.Element("failure")?.Attribute("type")).ToList();
        Assert.Equal([null, "violation", "inconclusive", null, "slo"], failureTypes);
        Assert.Contains("lost <m1> & more", (string)cases[1].Element("failure")!.Attribute("message")!, StringComparison.Ordinal);
        Assert.Empty(suite.Descendants("skipped"));
    }
}
