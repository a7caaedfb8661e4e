using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

// Policy of HistoryBuilder.Context(): base 100 ms, ×2, cap 1600 ms, jitter 0.5, tolerance 20 ms, healthy after 2 s.
// Attempt n waits [50, 100], [100, 200], [200, 400], [400, 800], then [800, 1600] at the cap.
public sealed class BackoffWithinPolicyTests
{
    /// <summary>Healthy connection, drop, immediate retry fails, then attempts 1.. with the given delays.</summary>
    private static HistoryBuilder Outage(string client, IEnumerable<long> delays, long start = 0, bool connectAtEnd = true)
    {
        var h = new HistoryBuilder().Attempt(start, client).Closed(start + 5_000, client);
        var t = start + 5_001;
        h.Attempt(t, client, "failed");
        var list = delays.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            t += list[i];
            h.Attempt(t, client, i == list.Count - 1 && connectAtEnd ? "connected" : "failed");
        }

        return h;
    }

    private static long[] Compliant(Random random, int atCap) =>
        [75, 150, 300, 600, .. Enumerable.Range(0, atCap).Select(_ => 800 + (long)(random.NextDouble() * 800))];

    [Fact]
    public void Check_DelaysWithinEnvelopeAndSpreadAtCap_Passes()
    {
        var h = Outage("a", Compliant(new Random(7), 40)).Build();

        var r = new BackoffWithinPolicy().Check(h, HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(45, r.Samples); // the immediate retry + 44 delayed ones
        Assert.Equal("40", r.Details["ks.n"]);
        Assert.True(double.Parse(r.Details["ks.D"], System.Globalization.CultureInfo.InvariantCulture)
                    <= double.Parse(r.Details["ks.critical"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Check_RetryTooSoonAfterFailure_FailsNamingClientAndTime()
    {
        var h = Outage("a", [75, 20, 300]).Build();

        var v = Assert.Single(new BackoffWithinPolicy().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("a", 5_001L + 75 + 20), (v.ClientId, v.AtMs));
        Assert.Contains("attempt 2", v.Message, StringComparison.Ordinal);

        // The span the report follows the client over: from the failure that began the wait to the attempt's outcome.
        Assert.Equal((5_001L + 75, 5_001L + 75 + 20), (v.FromMs, v.ToMs));
    }

    [Fact]
    public void Check_LateAttempt_ViolationSpansFromTheCloseToTheOutcome()
    {
        // A healthy connection closed by the peer at 1 000; the retry starts 60 s later and connects 2 s after that.
        var h = new HistoryBuilder().Attempt(0, "a").Closed(1_000, "a").Attempt(63_000, "a", startedAt: 61_000).Build();

        var v = Assert.Single(new BackoffWithinPolicy().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal((61_000L, 1_000L, 63_000L), (v.AtMs, v.FromMs!.Value, v.ToMs!.Value));
    }

    [Fact]
    public void Check_LateOnlyByWhatTheHarnessMeasuredItselfLate_PassesCountedApartAndOutOfTheSpreadTest()
    {
        // 40 compliant delays at the cap, then one of 2 600 ms: 1 000 ms past the cap, which the harness ran late.
        var delays = Compliant(new Random(7), 40);
        var h = Outage("a", [.. delays, 2_600]).Build();
        var lastStart = 5_001 + delays.Sum() + 2_600;

        var strict = new BackoffWithinPolicy().Check(h, HistoryBuilder.Context());
        var lagging = new BackoffWithinPolicy().Check(h, HistoryBuilder.LaggingContext((lastStart - 300, 1_000)));

        var v = Assert.Single(strict.Violations);
        Assert.Equal(lastStart, v.AtMs);
        Assert.Equal(InvariantStatus.Passed, lagging.Status);
        Assert.Equal("1", lagging.Details["harnessLate.delays"]);
        Assert.Equal("980", lagging.Details["harnessLate.worstOverMs"]);
        Assert.Equal("40", lagging.Details["ks.n"]);
    }

    [Fact]
    public void Check_HarnessLateOutsideTheWaitOrByLessThanTheOverrun_StillFails()
    {
        // Attempt 1 allows [50, 100] ms ± 20: a wait of 700 ms is 580 ms too long.
        var h = Outage("a", [700]).Build();
        var start = 5_001 + 700;

        var elsewhere = new BackoffWithinPolicy().Check(h, HistoryBuilder.LaggingContext((start + 1_000, 2_000), (4_000, 2_000)));
        var tooLittle = new BackoffWithinPolicy().Check(h, HistoryBuilder.LaggingContext((start - 100, 500)));

        Assert.Single(elsewhere.Violations);
        var v = Assert.Single(tooLittle.Violations);
        Assert.Contains("policy allows [50, 100] ms ± 20 ms (+ 500 ms the harness ran late)", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TooSoonIsNeverForgivenByHarnessLateness()
    {
        // Attempt 2 allows [100, 200] ms: 20 ms is the client's doing, however late the harness ran meanwhile.
        var h = Outage("a", [75, 20, 300]).Build();

        var r = new BackoffWithinPolicy().Check(h, HistoryBuilder.LaggingContext((5_001 + 75 + 20, 5_000)));

        Assert.Contains("attempt 2", Assert.Single(r.Violations).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SlowConnectDoesNotCountAsWaiting()
    {
        // The attempt started 75 ms after the failure but took 2 s to fail (latency toxic): delay is 75 ms.
        var h = new HistoryBuilder().Attempt(0, "a").Closed(5_000, "a").Attempt(5_001, "a", "failed")
            .Attempt(7_076, "a", "failed", startedAt: 5_076).Build();

        Assert.Empty(new BackoffWithinPolicy().Check(h, HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_HintIgnored_Fails()
    {
        var h = new HistoryBuilder().Attempt(0, "a").Closed(5_000, "a", hint: 1_000, code: 1013).Attempt(5_010, "a").Build();

        var v = Assert.Single(new BackoffWithinPolicy().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Contains("hint 1000", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HintHonoured_Passes()
    {
        var h = new HistoryBuilder().Attempt(0, "a").Closed(5_000, "a", hint: 1_000, code: 1013).Attempt(6_200, "a").Build();

        Assert.Equal(InvariantStatus.Passed, new BackoffWithinPolicy().Check(h, HistoryBuilder.Context()).Status);
    }

    [Fact]
    public void Check_ShortLivedConnectionIsAFailure_NoImmediateRetryAllowed()
    {
        // Connected for 100 ms only: the next retry is attempt 1 (50..100 ms), not immediate.
        var h = new HistoryBuilder().Attempt(0, "a", "failed").Attempt(75, "a").Closed(175, "a").Attempt(176, "a").Build();

        var v = Assert.Single(new BackoffWithinPolicy().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Contains("attempt 2", v.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4408)]
    [InlineData(4409)]
    [InlineData(4401)]
    public void Check_ImmediateReconnectAfterHeartbeatSlowConsumerOrAuthClose_Passes(int code)
    {
        var h = new HistoryBuilder().Attempt(0, "a", "failed").Attempt(75, "a").Closed(175, "a", code: code).Attempt(176, "a").Build();

        Assert.Empty(new BackoffWithinPolicy().Check(h, HistoryBuilder.Context()).Violations);
    }

    [Fact]
    public void Check_ImmediateReconnectDoesNotResetTheCount_NextFailureBacksOffFurther()
    {
        // Attempt 1 failed, attempt 2 connected for 100 ms and got 4408: the reconnect is immediate, but the
        // count goes on, so when that immediate attempt fails the next wait is attempt 3 (200..400 ms).
        var compliant = new HistoryBuilder().Attempt(0, "a", "failed").Attempt(75, "a").Closed(175, "a", code: 4408)
            .Attempt(176, "a", "failed").Attempt(476, "a").Build();
        Assert.Empty(new BackoffWithinPolicy().Check(compliant, HistoryBuilder.Context()).Violations);

        // A client that treated the immediate reconnect as a fresh start would wait only attempt 1 (50..100 ms).
        var reset = new HistoryBuilder().Attempt(0, "a", "failed").Attempt(75, "a").Closed(175, "a", code: 4408)
            .Attempt(176, "a", "failed").Attempt(251, "a").Build();
        var v = Assert.Single(new BackoffWithinPolicy().Check(reset, HistoryBuilder.Context()).Violations);
        Assert.Contains("waited 75 ms", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NetworkReturnKeepsTheCount_ShortConnectionAfterItBacksOffFurther()
    {
        // Offline: attempts 1 and 2 fail; the network returns and the client tries at once (not judged) and
        // connects for 100 ms; its count is now 3, so the next wait is attempt 3 (200..400 ms), not attempt 1.
        HistoryBuilder Run(long lastDelay) => new HistoryBuilder()
            .Attempt(0, "a").Closed(5_000, "a").Attempt(5_001, "a", "failed").Attempt(5_076, "a", "failed")
            .Harness(5_100, HarnessEventKinds.OfflineEnd, "a").Attempt(5_101, "a").Closed(5_201, "a")
            .Attempt(5_201 + lastDelay, "a");

        Assert.Empty(new BackoffWithinPolicy().Check(Run(300).Build(), HistoryBuilder.Context()).Violations);
        var v = Assert.Single(new BackoffWithinPolicy().Check(Run(75).Build(), HistoryBuilder.Context()).Violations);
        Assert.Contains("waited 75 ms", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoJitterAtCap_FailsKolmogorovSmirnov()
    {
        var h = Outage("a", [75, 150, 300, 600, .. Enumerable.Repeat(1_600L, 40)]).Build();

        var r = new BackoffWithinPolicy().Check(h, HistoryBuilder.Context());

        var v = Assert.Single(r.Violations);
        Assert.Contains("KS D=", v.Message, StringComparison.Ordinal);
        Assert.Contains("n=40", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CappedDelaysTheHarnessMadeLate_StayOutOfTheSpreadTest_WhichJudgesTheRest()
    {
        // 20 delays drawn over the cap's range [800, 1600] on time, then 40 drawn from [800, 1000] whose timers the
        // harness ran 600 ms late: all within the bounds, but bunched at the top, so the spread test fails on them.
        var random = new Random(11);
        long[] onTime = [.. Enumerable.Range(0, 20).Select(_ => 800 + (long)(random.NextDouble() * 800))];
        long[] late = [.. Enumerable.Range(0, 40).Select(_ => 1_400 + (long)(random.NextDouble() * 200))];
        long[] ramp = [75, 150, 300, 600];
        var h = Outage("a", [.. ramp, .. onTime, .. late]).Build();
        var lateStarts = new List<long>();
        var t = 5_001 + ramp.Sum() + onTime.Sum();
        foreach (var d in late)
        {
            t += d;
            lateStarts.Add(t);
        }

        var strict = new BackoffWithinPolicy().Check(h, HistoryBuilder.Context());
        var lagging = new BackoffWithinPolicy().Check(h, HistoryBuilder.LaggingContext([.. lateStarts.Select(s => (s - 50, 600L))]));
        // Lateness earlier in each wait, over by the time its timer fired, did not move when the wait ended.
        var lateEarlier = new BackoffWithinPolicy().Check(h, HistoryBuilder.LaggingContext([.. lateStarts.Select(s => (s - 1_000, 600L))]));

        Assert.Contains("not spread uniformly", Assert.Single(strict.Violations).Message, StringComparison.Ordinal);
        Assert.Equal("60", strict.Details["ks.n"]);
        Assert.Equal(InvariantStatus.Passed, lagging.Status);
        Assert.Equal("40", lagging.Details["ks.harnessLate"]);
        Assert.Equal("20", lagging.Details["ks.n"]);
        Assert.Contains("not spread uniformly", Assert.Single(lateEarlier.Violations).Message, StringComparison.Ordinal);
        Assert.Equal("60", lateEarlier.Details["ks.n"]);
    }

    [Fact]
    public void Check_HarnessLateByLessThanTheSpreadTestsLimit_KeepsEverySample_SoNoJitterStillFails()
    {
        // The limit is 1 % of the cap's range (8 ms here): a harness that ran a few ms late everywhere excuses nothing.
        long[] delays = [75, 150, 300, 600, .. Enumerable.Repeat(1_600L, 40)];
        var h = Outage("a", delays).Build();
        var ticks = Enumerable.Range(0, 80).Select(i => (5_000L + (i * 500L), 7L)).ToArray();

        var r = new BackoffWithinPolicy().Check(h, HistoryBuilder.LaggingContext(ticks));

        Assert.Contains("KS D=", Assert.Single(r.Violations).Message, StringComparison.Ordinal);
        Assert.Equal("40", r.Details["ks.n"]);
        Assert.False(r.Details.ContainsKey("ks.harnessLate"));
    }

    [Fact]
    public void Check_AfterClientCrash_FirstAttemptIsFreshStart()
    {
        var h = new HistoryBuilder().Attempt(0, "a", "failed").Harness(10, HarnessEventKinds.ClientRestart, "a").Attempt(11, "a").Build();

        var r = new BackoffWithinPolicy().Check(h, HistoryBuilder.Context());

        Assert.Empty(r.Violations);
        Assert.Equal(0, r.Samples);
    }

    [Fact]
    public void Check_TooFewDelaysAtCapWhenScenarioAsks_IsInconclusive()
    {
        var h = Outage("a", Compliant(new Random(3), 10)).Build();
        var ctx = HistoryBuilder.Context(new() { [BackoffWithinPolicy.AtCapMinSamplesKey] = 30 });

        var r = new BackoffWithinPolicy().Check(h, ctx);

        Assert.Equal(InvariantStatus.Inconclusive, r.Status);
        Assert.Contains("10 delays at the cap", r.InconclusiveReason, StringComparison.Ordinal);
    }
}
