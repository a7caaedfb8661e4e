namespace ChatResilience.Client.Reconnect;

/// <summary>
/// The named reconnect policy (PROTOCOL.md §8): exponential backoff with jitter that still spreads clients
/// once the cap is reached, an immediate first retry after a healthy connection, and no give-up by default.
/// Attempt n ≥ 1 waits a uniform random time in [ceiling·(1 − Jitter), ceiling] with
/// ceiling = min(DelayMax, DelayBase · Multiplier^(n−1)); a server hint (retryAfterMs, Retry-After) h
/// raises the wait to at least h plus up to h·Jitter.
/// </summary>
public sealed record ReconnectOptions
{
    /// <summary>Default <see cref="DelayBase"/>: 250 ms.</summary>
    public static readonly TimeSpan DefaultDelayBase = TimeSpan.FromMilliseconds(250);

    /// <summary>Default <see cref="DelayMax"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultDelayMax = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="HealthyAfter"/>: 2 s.</summary>
    public static readonly TimeSpan DefaultHealthyAfter = TimeSpan.FromSeconds(2);

    /// <summary>Default <see cref="Multiplier"/>: 2.</summary>
    public const double DefaultMultiplier = 2.0;

    /// <summary>Default <see cref="Jitter"/>: 0.5 (at the cap the wait is spread over [15 s, 30 s]).</summary>
    public const double DefaultJitter = 0.5;

    /// <summary>The ceiling of the first delayed retry. Default 250 ms.</summary>
    public TimeSpan DelayBase { get; init; } = DefaultDelayBase;

    /// <summary>Growth of the ceiling per failed attempt. Default 2.</summary>
    public double Multiplier { get; init; } = DefaultMultiplier;

    /// <summary>The cap of the ceiling. Default 30 s.</summary>
    public TimeSpan DelayMax { get; init; } = DefaultDelayMax;

    /// <summary>Fraction of the ceiling that is randomised, in [0, 1]. Default 0.5.</summary>
    public double Jitter { get; init; } = DefaultJitter;

    /// <summary>Consecutive failed attempts before the client gives up (state Closed). Default null: never.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>
    /// A connection that got <c>welcome</c> and lasted this long counts as healthy: the next retry is immediate
    /// and the attempt count starts over. Default 2 s (a server that accepts and drops at once is still backed off).
    /// </summary>
    public TimeSpan HealthyAfter { get; init; } = DefaultHealthyAfter;

    /// <summary>The protocol defaults.</summary>
    public static ReconnectOptions Default { get; } = new();

    /// <summary>The ceiling of attempt <paramref name="attempt"/> (≥ 1) before jitter.</summary>
    public TimeSpan CeilingFor(int attempt)
    {
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }

        // Computed in double and clamped, so a large attempt number cannot overflow.
        var ms = DelayBase.TotalMilliseconds * Math.Pow(Multiplier, Math.Min(attempt - 1, 1000));
        return double.IsFinite(ms) && ms < DelayMax.TotalMilliseconds ? TimeSpan.FromMilliseconds(ms) : DelayMax;
    }

    /// <summary>
    /// The bounds any delay of attempt <paramref name="attempt"/> lies in (attempt 0 = first retry after a
    /// healthy connection: zero), optionally under a server hint. The simulator checks observed delays against it.
    /// </summary>
    public (TimeSpan Min, TimeSpan Max) EnvelopeFor(int attempt, TimeSpan? hint = null)
    {
        var ceiling = CeilingFor(attempt);
        var min = ceiling * (1 - Jitter);
        var max = ceiling;
        if (hint is { } h && h > TimeSpan.Zero)
        {
            min = min > h ? min : h;
            var hinted = h + (h * Jitter);
            max = max > hinted ? max : hinted;
        }

        return (min, max);
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every field out of range.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (DelayBase < TimeSpan.Zero || DelayBase > TimeSpan.FromHours(1))
        {
            errors.Add($"DelayBase must be in [0, 1 h], was {DelayBase}");
        }

        if (!(Multiplier >= 1.0 && Multiplier <= 100.0))
        {
            errors.Add($"Multiplier must be in [1, 100], was {Multiplier}");
        }

        if (DelayMax < DelayBase || DelayMax > TimeSpan.FromDays(1))
        {
            errors.Add($"DelayMax must be in [DelayBase, 1 day], was {DelayMax}");
        }

        if (!(Jitter >= 0.0 && Jitter <= 1.0))
        {
            errors.Add($"Jitter must be in [0, 1], was {Jitter}");
        }

        if (MaxAttempts is < 1)
        {
            errors.Add($"MaxAttempts must be null or ≥ 1, was {MaxAttempts}");
        }

        if (HealthyAfter < TimeSpan.Zero)
        {
            errors.Add($"HealthyAfter must be ≥ 0, was {HealthyAfter}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid ReconnectOptions: " + string.Join("; ", errors));
        }
    }
}
