using System.Globalization;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §8: reconnect delays, as the harness's connection factory timed them, stay within the policy
/// (<see cref="CheckContext.Reconnect"/>) plus the scheduling tolerance: immediate after a healthy connection,
/// jittered exponential after failures, at least the server's hint when one was given. At the cap the delays must
/// also be spread: a Kolmogorov–Smirnov test of the un-hinted capped delays against Uniform[cap·(1−Jitter), cap]
/// at <see cref="CheckContext.Alpha"/> (D, critical value, α and n in Details; skipped below
/// <see cref="CheckContext.KsMinSamples"/>). A delay the harness's own measured lateness explains (see
/// <see cref="HarnessLagTimeline"/>) passes, is counted in Details (<c>harnessLate.delays</c>, and how far past
/// bound + tolerance the worst went) and stays out of the spread test. So does a capped delay within its bounds that
/// ended while the harness measured itself late by more than <see cref="SpreadTestLagFraction"/> of the cap's range
/// (<see cref="ReconnectDelaySample.HarnessLagAtEndMs"/>; <c>ks.harnessLate</c> in Details): its timer fired late, so its
/// value is the harness's lateness as much as the client's draw. Samples: delays judged.
/// </summary>
public sealed class BackoffWithinPolicy : IInvariantChecker
{
    /// <summary>The <see cref="CheckContext.MinSamples"/> key that makes too few capped delays inconclusive.</summary>
    public const string AtCapMinSamplesKey = "BackoffWithinPolicy.AtCap";

    /// <summary>
    /// The most harness lateness, as a fraction of the cap's range [cap·(1−Jitter), cap], measured when a capped delay
    /// ended for the delay still to be a sample of the spread test. A wait that ended L ms late moves its sample by up to L,
    /// so samples moved by at most 1 % of the range move the KS statistic D by at most 0.01, while the critical D at
    /// α = 0.001 is 1.95/√n (below 0.03 from n ≈ 4,200): on a saturated harness (hundreds of ms late now and then) the
    /// test otherwise fails on the machine, not the client; on one that ran on time it keeps every sample.
    /// </summary>
    public const double SpreadTestLagFraction = 0.01;

    /// <inheritdoc />
    public string Name => nameof(BackoffWithinPolicy);

    /// <summary>Every reconnect delay the history shows, judged against the policy (the report plots them).</summary>
    public static IReadOnlyList<ReconnectDelaySample> Observe(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        return ReconnectTimeline.Observe(history, context);
    }

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        var samples = Observe(history, context);
        var result = new ResultBuilder(Name, context);
        var tol = (long)context.SchedulingTolerance.TotalMilliseconds;
        var capped = new List<double>();
        var laggedAtCap = 0;
        var (low, high) = CapRange(context);
        var lagLimitMs = (high - low) * SpreadTestLagFraction;
        var forLag = 0;
        long forLagWorstMs = 0;
        foreach (var s in samples)
        {
            result.Samples++;
            if (!s.Within)
            {
                var hint = s.HintMs is { } h ? $", hint {h} ms" : string.Empty;
                var lag = s.HarnessLagMs > 0 ? $" (+ {s.HarnessLagMs} ms the harness ran late)" : string.Empty;
                result.Add(
                    $"{s.ClientId} waited {s.DelayMs} ms before reconnect attempt {s.Attempt}; policy allows [{s.MinMs}, {s.MaxMs}] ms ± {tol} ms{lag}{hint}",
                    s.AtMs, clientId: s.ClientId, fromMs: s.AtMs - s.DelayMs, toMs: s.OutcomeAtMs);
            }
            else if (s.WithinOnlyForHarnessLag)
            {
                // Stretched by the harness, not drawn by the client: kept out of the spread test.
                forLag++;
                forLagWorstMs = Math.Max(forLagWorstMs, s.DelayMs - s.MaxMs - tol);
            }
            else if (s.AtCap && s.HarnessLagAtEndMs > lagLimitMs)
            {
                laggedAtCap++;
            }
            else if (s.AtCap)
            {
                capped.Add(s.DelayMs);
            }
        }

        if (forLag > 0)
        {
            result.Detail("harnessLate.delays", forLag);
            result.Detail("harnessLate.worstOverMs", forLagWorstMs);
        }

        if (laggedAtCap > 0)
        {
            result.Detail("ks.harnessLate", laggedAtCap);
        }

        TestSpreadAtCap(result, context, (low, high), capped, laggedAtCap, samples);
        return result.Build();
    }

    /// <summary>The range capped delays are drawn from, ms: [cap·(1−Jitter), cap].</summary>
    private static (double Low, double High) CapRange(CheckContext context) =>
        (context.Reconnect.DelayMax.TotalMilliseconds * (1 - context.Reconnect.Jitter), context.Reconnect.DelayMax.TotalMilliseconds);

    private static void TestSpreadAtCap(
        ResultBuilder result, CheckContext context, (double Low, double High) range, List<double> capped, int laggedAtCap, IReadOnlyList<ReconnectDelaySample> samples)
    {
        var (low, high) = range;
        result.Detail("ks.n", capped.Count);
        result.Detail("ks.alpha", context.Alpha);
        if (context.MinSamples.TryGetValue(AtCapMinSamplesKey, out var needed) && capped.Count < needed)
        {
            result.InconclusiveReason = $"{capped.Count} delays at the cap, the scenario asks for {needed}";
        }

        if (capped.Count < Math.Max(1, context.KsMinSamples) || high <= low)
        {
            var lagged = laggedAtCap > 0 ? $" ({laggedAtCap} more ended while the harness ran late)" : "";
            result.Detail("ks", capped.Count == 0 && laggedAtCap == 0 ? "no delays at the cap" : $"skipped: n={capped.Count} < {context.KsMinSamples}{lagged} or no jitter");
            return;
        }

        var d = KolmogorovSmirnov.StatisticAgainstUniform(capped, low, high);
        var critical = KolmogorovSmirnov.CriticalValue(capped.Count, context.Alpha);
        result.Detail("ks.D", d);
        result.Detail("ks.critical", critical);
        result.Detail("ks.uniform", string.Create(CultureInfo.InvariantCulture, $"[{low:F0}, {high:F0}] ms"));
        if (d > critical)
        {
            var last = samples.Last(s => s.AtCap);
            result.Add(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"reconnect delays at the cap are not spread uniformly over [{low:F0}, {high:F0}] ms: KS D={d:F4} > critical {critical:F4} (α={context.Alpha}, n={capped.Count})"),
                last.AtMs);
        }
    }
}
