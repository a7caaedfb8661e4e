using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Load.Compare;

/// <summary>
/// <c>chatsim compare</c>: prints the regression table of two summaries. Exit 0 when no metric worsened past its
/// tolerance, <see cref="Regressed"/> (1) when one did, 64 when a file is unreadable or the two do not match
/// (different kinds or scenarios, or a <c>--metric</c> neither has).
/// </summary>
public static class CompareCommand
{
    /// <summary>Exit code of a comparison that found a regression.</summary>
    public const int Regressed = 1;

    public static int Run(CompareArguments a, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var baseline = SummaryMetrics.Read(a.BaselinePath);
            var current = SummaryMetrics.Read(a.NewPath);
            if (baseline.Kind != current.Kind)
            {
                throw new SummaryFileException($"{a.NewPath}: kind: a {current.Kind} summary cannot be compared with the {baseline.Kind} summary {a.BaselinePath}");
            }

            if (!string.Equals(baseline.Scenario, current.Scenario, StringComparison.Ordinal))
            {
                throw new SummaryFileException($"{a.NewPath}: scenarioName: '{current.Scenario}' differs from the baseline's '{baseline.Scenario}' ({a.BaselinePath})");
            }

            foreach (var name in a.MetricTolerances.Keys)
            {
                if (!baseline.Metrics.Any(m => m.Name == name) && !current.Metrics.Any(m => m.Name == name))
                {
                    throw new SummaryFileException(
                        $"--metric {name}: neither {a.BaselinePath} nor {a.NewPath} has it (known: {string.Join(", ", baseline.Metrics.Select(m => m.Name))})");
                }
            }

            if (baseline.ScenarioHash is not null && current.ScenarioHash is not null && baseline.ScenarioHash != current.ScenarioHash)
            {
                output.WriteLine($"note: the scenario file changed between the runs ({baseline.ScenarioHash} → {current.ScenarioHash})");
            }

            if (!string.Equals(baseline.ServerUnderTest, current.ServerUnderTest, StringComparison.Ordinal))
            {
                // Allowed (an embedded baseline against a deployment is a fair question), but never silently.
                output.WriteLine($"note: the server under test differs ({baseline.ServerUnderTest} → {current.ServerUnderTest})");
            }

            var rows = RegressionTable.Compare(baseline.Metrics, current.Metrics, a.TolerancePercent, a.MetricTolerances);
            output.Write(RegressionTable.Format(rows));
            var regressed = rows.Count(r => r.Verdict == RegressionVerdict.Regressed);
            output.WriteLine(regressed == 0
                ? $"compare: no regression past tolerance ({rows.Count} metrics) — exit 0"
                : $"compare: {regressed} metric(s) regressed past tolerance — exit {Regressed}");
            return regressed == 0 ? ExitCodes.Pass : Regressed;
        }
        catch (SummaryFileException e)
        {
            error.WriteLine($"chatsim compare: {e.Message}");
            return ExitCodes.BadArguments;
        }
    }
}
