using System.Globalization;
using System.Xml.Linq;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// <c>junit.xml</c>: one <c>testsuite</c> <c>chatsim.&lt;scenario&gt;</c> with a <c>testcase</c> per checker (classname
/// <c>chatsim.&lt;scenario&gt;.invariants</c>), per SLO (<c>….slo</c>) and one <c>harness</c> case. A violated checker or
/// breached SLO is a <c>failure</c> (type <c>violation</c> / <c>slo</c>). An inconclusive checker is also a
/// <c>failure</c>, of type <c>inconclusive</c>, not a <c>skipped</c>: CI dashboards hide skips, and a run that proved
/// nothing must be noticed. A harness failure, watchdog or Ctrl-C is an <c>error</c> of the harness case, with the
/// stuck clients as its text. <c>.ci/run</c> counts the cases and the failure/error elements.
/// </summary>
public static class JUnitReport
{
    /// <summary>Violations listed in a failed checker's case. 50.</summary>
    public const int ViolationsPerCase = 50;

    public static XDocument Build(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var prefix = $"chatsim.{summary.Scenario}";
        var cases = new List<XElement>();
        foreach (var r in summary.Invariants)
        {
            var testCase = Case($"{prefix}.invariants", r.Name);
            testCase.Add(new XElement("system-out", string.Join("\n", r.Details.Select(d => $"{d.Key}={d.Value}"))));
            if (r.Status == InvariantStatus.Failed)
            {
                testCase.AddFirst(new XElement(
                    "failure",
                    new XAttribute("type", "violation"),
                    new XAttribute("message", $"{r.ViolationCount} violation(s); first: {r.Violations.FirstOrDefault()?.Message}"),
                    string.Join("\n", r.Violations.Take(ViolationsPerCase).Select(Describe))));
            }
            else if (r.Status == InvariantStatus.Inconclusive)
            {
                testCase.AddFirst(new XElement(
                    "failure",
                    new XAttribute("type", "inconclusive"),
                    new XAttribute("message", r.InconclusiveReason ?? $"{r.Samples} samples, the scenario asks for at least {r.MinSamples}")));
            }

            cases.Add(testCase);
        }

        foreach (var s in summary.Slos)
        {
            var testCase = Case($"{prefix}.slo", s.Name);
            if (!s.Passed)
            {
                testCase.Add(new XElement(
                    "failure",
                    new XAttribute("type", "slo"),
                    new XAttribute("message", string.Create(
                        CultureInfo.InvariantCulture, $"{s.Name}: observed {s.Observed} {s.Unit}, {(s.LowerBound ? "lower" : "upper")} bound {s.Threshold} {s.Unit}")
                        + (summary.HarnessLoad?.SloCaveat(s) is { } caveat ? $"; {caveat} (see the harness case)" : ""))));
            }
            else if (s.Inconclusive)
            {
                testCase.Add(new XElement(
                    "failure",
                    new XAttribute("type", "inconclusive"),
                    new XAttribute("message", $"{s.Name}: no samples, so the run could not judge it")));
            }

            cases.Add(testCase);
        }

        var harness = Case(prefix, "harness");
        if (summary.HarnessFailed)
        {
            harness.Add(new XElement(
                "error", new XAttribute("message", summary.HarnessError ?? "interrupted"), string.Join("\n", summary.StuckClients)));
        }

        // Not failures of their own: the checkers' verdict stands, but whoever reads a red build should see these first.
        string?[] warnings = [summary.HarnessLoad?.Warning, summary.HistorySpillError is { } spill ? "history: " + spill : null];
        if (warnings.Any(w => w is not null))
        {
            harness.Add(new XElement("system-out", string.Join("\n", warnings.OfType<string>().Select(w => "warning: " + w))));
        }

        cases.Add(harness);
        var suite = new XElement(
            "testsuite",
            new XAttribute("name", prefix),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
            new XAttribute("errors", cases.Count(c => c.Element("error") is not null)),
            new XAttribute("skipped", 0),
            new XAttribute("time", summary.Duration.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)),
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
