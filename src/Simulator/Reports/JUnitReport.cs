using System.Globalization;
using System.Xml.Linq;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// <c>junit.xml</c>: one <c>testsuite</c> "chatsim" with a <c>testcase</c> per checker (classname
/// <c>chatsim.invariants</c>) and per SLO (<c>chatsim.slo</c>). A violated checker or breached SLO is a
/// <c>failure</c> (type <c>violation</c> / <c>slo</c>). An inconclusive checker is also a <c>failure</c>, of type
/// <c>inconclusive</c>, not a <c>skipped</c>: CI dashboards hide skips, and a run that proved nothing must be noticed.
/// </summary>
public static class JUnitReport
{
    public static XDocument Build(IReadOnlyList<InvariantResult> results, IReadOnlyList<SloResult> slos, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(slos);
        var cases = new List<XElement>();
        var failures = 0;
        foreach (var r in results)
        {
            var testCase = Case("chatsim.invariants", r.Name);
            testCase.Add(new XElement("system-out", string.Join("\n", r.Details.Select(d => $"{d.Key}={d.Value}"))));
            if (r.Status == InvariantStatus.Failed)
            {
                failures++;
                testCase.AddFirst(new XElement(
                    "failure",
                    new XAttribute("type", "violation"),
                    new XAttribute("message", $"{r.ViolationCount} violation(s); first: {r.Violations.FirstOrDefault()?.Message}"),
                    string.Join("\n", r.Violations.Take(50).Select(Describe))));
            }
            else if (r.Status == InvariantStatus.Inconclusive)
            {
                failures++;
                testCase.AddFirst(new XElement(
                    "failure",
                    new XAttribute("type", "inconclusive"),
                    new XAttribute("message", r.InconclusiveReason ?? $"{r.Samples} samples, the scenario asks for at least {r.MinSamples}")));
            }

            cases.Add(testCase);
        }

        foreach (var s in slos)
        {
            var testCase = Case("chatsim.slo", s.Name);
            if (!s.Passed)
            {
                failures++;
                testCase.Add(new XElement(
                    "failure",
                    new XAttribute("type", "slo"),
                    new XAttribute("message", string.Create(CultureInfo.InvariantCulture, $"{s.Name}: observed {s.Observed} {s.Unit}, threshold {s.Threshold} {s.Unit}"))));
            }

            cases.Add(testCase);
        }

        var suite = new XElement(
            "testsuite",
            new XAttribute("name", "chatsim"),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", 0),
            new XAttribute("time", duration.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)),
            cases);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
    }

    public static async Task WriteAsync(string path, XDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        await using var file = File.Create(path);
        await document.SaveAsync(file, SaveOptions.None, cancellationToken);
    }

    private static XElement Case(string className, string name) =>
        new("testcase", new XAttribute("classname", className), new XAttribute("name", name), new XAttribute("time", "0"));

    private static string Describe(Violation v) =>
        string.Create(CultureInfo.InvariantCulture, $"[{v.AtMs} ms] room={v.Room} seq={v.Seq} client={v.ClientId} id={v.MessageId}: {v.Message}");
}
