using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Cli;

/// <summary>Writes a run's results: summary.json, junit.xml (one case per checker and SLO) and one file per violated checker.</summary>
public static class ReportFiles
{
    private const int SliceMs = 2000;
    private const int MaxViolationSlices = 20;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string outDir, LoadedScenario scenario, int seed, SimulationResult result, RunVerdict verdict, string repeatCommand)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdict);
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "summary.json"), Summary(scenario, seed, result, verdict, repeatCommand).ToJsonString(Indented));
        JUnit(scenario.Scenario.Name, verdict, result).Save(Path.Combine(outDir, "junit.xml"));
        var violations = Path.Combine(outDir, "violations");
        if (Directory.Exists(violations))
        {
            Directory.Delete(violations, recursive: true);
        }

        foreach (var failed in verdict.Invariants.Where(i => i.Status == InvariantStatus.Failed))
        {
            Directory.CreateDirectory(violations);
            File.WriteAllText(Path.Combine(violations, failed.Name + ".json"), Slices(failed, result.History).ToJsonString(Indented));
        }
    }

    private static JsonObject Summary(LoadedScenario scenario, int seed, SimulationResult r, RunVerdict v, string repeatCommand)
    {
        var measured = SloEvaluator.Measure(r);
        return new JsonObject
        {
            ["scenario"] = scenario.Scenario.Name,
            ["scenarioSource"] = scenario.Source,
            ["scenarioHash"] = scenario.Hash,
            ["seed"] = seed,
            ["exitCode"] = v.ExitCode,
            ["repeatCommand"] = repeatCommand,
            ["gitCommit"] = GitCommit(),
            ["machine"] = $"{Environment.MachineName} ({Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription})",
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["planHash"] = r.Plan.Hash(),
            ["executedFaultHash"] = r.FaultHash,
            ["executedFaults"] = new JsonArray([.. r.FaultActions.Select(a => (JsonNode)a)]),
            ["clients"] = r.Plan.Clients.Count,
            ["durationMs"] = r.EndMs,
            ["workloadStartMs"] = r.WorkloadStartMs,
            ["healedAtMs"] = r.HealedAtMs,
            ["quiesced"] = r.Quiesced,
            ["interrupted"] = r.Interrupted,
            ["harnessError"] = r.HarnessError,
            ["stuckClients"] = new JsonArray([.. r.StuckClients.Select(s => (JsonNode)s)]),
            ["counts"] = new JsonObject
            {
                ["events"] = r.History.Events.Count,
                ["sent"] = r.Sent,
                ["acked"] = r.Acked,
                ["delivered"] = r.Delivered,
                ["failed"] = r.Failed,
                ["refused"] = r.Refused,
                ["connectAttempts"] = r.ConnectAttempts,
            },
            ["metrics"] = new JsonObject([.. measured.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)new JsonObject { ["value"] = Num(m.Value.Value), ["samples"] = m.Value.Samples }))]),
            ["invariants"] = new JsonArray([.. v.Invariants.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name,
                ["status"] = i.Status.ToString(),
                ["samples"] = i.Samples,
                ["minSamples"] = i.MinSamples,
                ["violations"] = i.Violations.Count,
                ["firstViolations"] = new JsonArray([.. i.Violations.Take(5).Select(x => (JsonNode)x.Message)]),
                ["details"] = new JsonObject([.. i.Details.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value))]),
            })]),
            ["slos"] = new JsonArray([.. v.Slos.Select(s => (JsonNode)new JsonObject
            {
                ["metric"] = s.Metric,
                ["threshold"] = s.Threshold,
                ["value"] = Num(s.Value),
                ["samples"] = s.Samples,
                ["breached"] = s.Breached,
            })]),
        };
    }

    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 4)) : null;

    private static XDocument JUnit(string scenario, RunVerdict v, SimulationResult r)
    {
        var cases = new List<XElement>();
        foreach (var i in v.Invariants)
        {
            var c = new XElement("testcase", new XAttribute("classname", $"chatsim.{scenario}.invariants"), new XAttribute("name", i.Name));
            if (i.Status == InvariantStatus.Failed)
            {
                c.Add(new XElement("failure", new XAttribute("message", $"{i.Violations.Count} violation(s): {i.Violations.FirstOrDefault()?.Message}"), new XAttribute("type", "violation"),
                    string.Join('\n', i.Violations.Take(20).Select(x => $"[{x.AtMs} ms] {x.Message}"))));
            }
            else if (i.Status == InvariantStatus.Inconclusive)
            {
                c.Add(new XElement("failure", new XAttribute("message", $"inconclusive: {i.Samples} samples < minimum {i.MinSamples}"), new XAttribute("type", "inconclusive")));
            }

            cases.Add(c);
        }

        foreach (var s in v.Slos)
        {
            var c = new XElement("testcase", new XAttribute("classname", $"chatsim.{scenario}.slo"), new XAttribute("name", s.Metric));
            if (s.Breached)
            {
                c.Add(new XElement("failure", new XAttribute("type", "slo"),
                    new XAttribute("message", string.Create(CultureInfo.InvariantCulture, $"{s.Metric} = {s.Value:0.###} {(s.LowerBound ? "<" : ">")} {s.Threshold}"))));
            }

            cases.Add(c);
        }

        var harness = new XElement("testcase", new XAttribute("classname", $"chatsim.{scenario}"), new XAttribute("name", "harness"));
        if (r.HarnessError is not null || r.Interrupted)
        {
            harness.Add(new XElement("error", new XAttribute("message", r.HarnessError ?? "interrupted"), string.Join('\n', r.StuckClients)));
        }

        cases.Add(harness);
        var failures = cases.Count(c => c.Element("failure") is not null);
        var errors = cases.Count(c => c.Element("error") is not null);
        return new XDocument(new XElement("testsuites",
            new XElement("testsuite",
                new XAttribute("name", $"chatsim.{scenario}"),
                new XAttribute("tests", cases.Count),
                new XAttribute("failures", failures),
                new XAttribute("errors", errors),
                new XAttribute("time", (r.EndMs / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)),
                cases)));
    }

    private static JsonArray Slices(InvariantResult failed, RecordedHistory history)
    {
        var result = new JsonArray();
        foreach (var v in failed.Violations.Take(MaxViolationSlices))
        {
            var related = history.Events.Where(e => Math.Abs(e.AtMs - v.AtMs) <= SliceMs && Mentions(e, v)).Take(200);
            result.Add(new JsonObject
            {
                ["violation"] = JsonSerializer.SerializeToNode(v),
                ["history"] = new JsonArray([.. related.Select(e => JsonSerializer.SerializeToNode(e))]),
            });
        }

        return result;
    }

    private static bool Mentions(HistoryEvent e, Violation v)
    {
        var text = JsonSerializer.Serialize(e);
        return (v.ClientId is not null && text.Contains(v.ClientId, StringComparison.Ordinal))
            || (v.MessageId is not null && text.Contains(v.MessageId, StringComparison.Ordinal))
            || (v.Room is not null && text.Contains($"\"{v.Room}\"", StringComparison.Ordinal))
            || e is FaultEvent or HarnessEvent;
    }

    private static string GitCommit()
    {
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            var output = p?.StandardOutput.ReadToEnd().Trim();
            p?.WaitForExit(5000);
            return p?.ExitCode == 0 && !string.IsNullOrEmpty(output) ? output : "unknown";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }
}
