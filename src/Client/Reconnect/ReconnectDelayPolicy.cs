namespace ChatResilience.Client.Reconnect;

/// <summary>
/// Pure delay computation of <see cref="ReconnectOptions"/> (STYLE.md habit 2): the same attempt, random
/// state and hint always give the same delay, so a fixed seed gives an exact schedule.
/// </summary>
public sealed class ReconnectDelayPolicy
{
    private readonly ReconnectOptions _options;
    private readonly ClientBugSwitches _bugs;

    /// <param name="options">The policy; validated here.</param>
    /// <param name="bugs">Test-only faults; null = none.</param>
    public ReconnectDelayPolicy(ReconnectOptions options, ClientBugSwitches? bugs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _bugs = bugs ?? ClientBugSwitches.None;
    }

    /// <summary>The options this policy computes.</summary>
    public ReconnectOptions Options => _options;

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/>: 0 = first retry after a healthy connection
    /// (immediate unless hinted), n ≥ 1 = n-th consecutive failure. Draws exactly one random number.
    /// </summary>
    public TimeSpan NextDelay(int attempt, Random random, TimeSpan? hint = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var u = random.NextDouble();
        var ceiling = _options.CeilingFor(attempt);
        TimeSpan delay;
        if (_bugs.IgnoreJitterAtCap && ceiling == _options.DelayMax)
        {
            // Test-only bug: every client at the cap retries at the same instant (a thundering herd).
            delay = ceiling;
        }
        else
        {
            delay = ceiling * (1 - (_options.Jitter * u));
        }

        if (hint is { } h && h > TimeSpan.Zero && !_bugs.IgnoreRetryAfter)
        {
            var hinted = h + (h * _options.Jitter * u);
            delay = delay > hinted ? delay : hinted;
        }

        return delay;
    }
}
