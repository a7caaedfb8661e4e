using ChatResilience.Client.Reconnect;

namespace ChatResilience.Client.Tests.Reconnect;

public sealed class ReconnectDelayPolicyTests
{
    private static readonly ReconnectOptions Defaults = ReconnectOptions.Default;

    [Fact]
    public void NextDelay_FixedSeed_GivesExactSchedule()
    {
        var policy = new ReconnectDelayPolicy(Defaults);
        var random = new Random(42);
        var schedule = Enumerable.Range(0, 10).Select(a => Math.Round(policy.NextDelay(a, random).TotalMilliseconds, 3)).ToArray();

        // Pinned: a change to the formula or to the random draws shows up here.
        Assert.Equal(ExpectedSeed42, schedule);
    }

    [Fact]
    public void NextDelay_AttemptZero_IsImmediate()
    {
        var policy = new ReconnectDelayPolicy(Defaults);
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(0, new Random(1)));
    }

    [Fact]
    public void NextDelay_AnySeed_StaysWithinEnvelope()
    {
        var policy = new ReconnectDelayPolicy(Defaults);
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            for (var attempt = 0; attempt < 25; attempt++)
            {
                var delay = policy.NextDelay(attempt, random);
                var (min, max) = Defaults.EnvelopeFor(attempt);
                Assert.InRange(delay, min, max);
            }
        }
    }

    [Fact]
    public void NextDelay_GrowsExponentiallyUntilTheCap()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), Defaults.CeilingFor(1));
        Assert.Equal(TimeSpan.FromMilliseconds(500), Defaults.CeilingFor(2));
        Assert.Equal(TimeSpan.FromMilliseconds(16_000), Defaults.CeilingFor(7));
        Assert.Equal(TimeSpan.FromSeconds(30), Defaults.CeilingFor(8));
        Assert.Equal(TimeSpan.FromSeconds(30), Defaults.CeilingFor(int.MaxValue));
    }

    [Fact]
    public void NextDelay_AfterCap_StaysJittered()
    {
        var policy = new ReconnectDelayPolicy(Defaults);
        var delays = Enumerable.Range(0, 1000).Select(seed => policy.NextDelay(30, new Random(seed))).ToList();
        Assert.True(delays.Distinct().Count() > 900, "clients at the cap must not retry in lockstep");
        Assert.True(delays.Max() - delays.Min() > TimeSpan.FromSeconds(12), "spread at the cap covers most of [15 s, 30 s]");
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void NextDelay_IgnoreJitterAtCapBug_RetriesInLockstep()
    {
        var policy = new ReconnectDelayPolicy(Defaults, new ClientBugSwitches { IgnoreJitterAtCap = true });
        var delays = Enumerable.Range(0, 100).Select(seed => policy.NextDelay(30, new Random(seed))).Distinct().ToList();
        Assert.Equal([TimeSpan.FromSeconds(30)], delays);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void NextDelay_WithHint_WaitsAtLeastTheHintPlusJitter(int attempt)
    {
        var policy = new ReconnectDelayPolicy(Defaults);
        var hint = TimeSpan.FromSeconds(5);
        var delays = Enumerable.Range(0, 200).Select(seed => policy.NextDelay(attempt, new Random(seed), hint)).ToList();
        Assert.All(delays, d => Assert.InRange(d, hint, Defaults.EnvelopeFor(attempt, hint).Max));
        Assert.True(delays.Distinct().Count() > 150, "hinted retries are spread too");
    }

    [Fact]
    public void NextDelay_HintBelowBackoff_KeepsTheBackoff()
    {
        var policy = new ReconnectDelayPolicy(Defaults);
        var delay = policy.NextDelay(20, new Random(7), TimeSpan.FromMilliseconds(100));
        Assert.InRange(delay, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void NextDelay_IgnoreRetryAfterBug_DropsTheHint()
    {
        var policy = new ReconnectDelayPolicy(Defaults, new ClientBugSwitches { IgnoreRetryAfter = true });
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(0, new Random(1), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Validate_ListsEveryBadField()
    {
        var bad = new ReconnectOptions { DelayBase = TimeSpan.FromSeconds(-1), Multiplier = 0.5, Jitter = 2, MaxAttempts = 0 };
        var e = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Contains("DelayBase", e.Message, StringComparison.Ordinal);
        Assert.Contains("Multiplier", e.Message, StringComparison.Ordinal);
        Assert.Contains("Jitter", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxAttempts", e.Message, StringComparison.Ordinal);
    }

    private static readonly double[] ExpectedSeed42 = [0, 232.387, 468.62, 738.618, 1831.566, 3474.815, 5102.366, 11896.618, 27395.232, 18581.242];
}
