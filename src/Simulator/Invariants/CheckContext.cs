namespace ChatResilience.Simulator.Invariants;

/// <summary>What the checkers need to know about the run besides its history.</summary>
public sealed record CheckContext
{
    /// <summary>Minimum samples per checker name; a checker missing here needs at least 1.</summary>
    public IReadOnlyDictionary<string, long> MinSamples { get; init; } = new Dictionary<string, long>();

    /// <summary>The reconnect policy the clients were configured with (for BackoffWithinPolicy).</summary>
    public required ReconnectEnvelope Reconnect { get; init; }

    /// <summary>Scheduling tolerance added to every bound that compares wall times (thread pool, GC, loopback).</summary>
    public TimeSpan SchedulingTolerance { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How late the harness processes hosting the clients ran, by run time. A timing bound compared with a wait that
    /// ended late gets the lateness measured in that wait's window on top of <see cref="SchedulingTolerance"/>
    /// (<see cref="LateAllowanceMs"/>). Default: none measured, no allowance.
    /// </summary>
    public HarnessLagTimeline HarnessLag { get; init; } = HarnessLagTimeline.None;

    /// <summary>Offline queues must be replayed (acked) within this long after the client is back online.</summary>
    public TimeSpan OfflineReplayBound { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After the last fault heals, every reader must converge within this long.</summary>
    public TimeSpan ConvergenceBound { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The user id the server's assistant answers with.</summary>
    public string AssistantUserId { get; init; } = "assistant";

    /// <summary>Rooms whose messages the assistant answers (prefix).</summary>
    public string AssistantRoomPrefix { get; init; } = "assistant-";

    /// <summary>Significance level of statistical checks (Kolmogorov–Smirnov).</summary>
    public double Alpha { get; init; } = 0.001;

    /// <summary>Reconnect storm: most connection attempts allowed in any window of this length after a mass disconnect.</summary>
    public TimeSpan StormWindow { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Reconnect storm: the largest fraction of disconnected clients that may attempt within one <see cref="StormWindow"/>.</summary>
    public double StormMaxFraction { get; init; } = 0.5;

    /// <summary>Reconnect storm: a mass disconnect is at least this many distinct clients closed by the peer. Default 20.</summary>
    public int StormMinClients { get; init; } = 20;

    /// <summary>Reconnect storm: closes within this long of the first one belong to one mass disconnect. Default 1 s.</summary>
    public TimeSpan StormDetectWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Backoff at the cap: fewest capped delays the Kolmogorov–Smirnov test needs. Below it the test is skipped;
    /// the result is inconclusive only when the scenario asks for cap samples
    /// (<see cref="MinSamples"/> key <c>BackoffWithinPolicy.AtCap</c>). Default 20.
    /// </summary>
    public int KsMinSamples { get; init; } = 20;

    /// <summary>Most violations kept per checker (all are counted). Default 1000.</summary>
    public int MaxViolationsPerChecker { get; init; } = 1000;

    /// <summary>
    /// How much later than its bound a wait from <paramref name="fromMs"/> to <paramref name="toMs"/> (run clock) may
    /// end: the scheduling tolerance plus the worst lateness the harness measured in that window.
    /// </summary>
    public long LateAllowanceMs(long fromMs, long toMs) => (long)SchedulingTolerance.TotalMilliseconds + HarnessLag.WorstDuring(fromMs, toMs);

    /// <summary>The minimum samples for <paramref name="checker"/>: its entry in <see cref="MinSamples"/>, else 1.</summary>
    public long MinSamplesFor(string checker) => MinSamples.TryGetValue(checker, out var n) ? n : 1;
}

/// <summary>
/// The reconnect policy as the checkers see it: for attempt n (1-based, after a failure), the delay must lie in
/// [Min(n), Max(n)] (plus tolerance), and at the cap delays are uniformly spread over [CapMin, CapMax].
/// </summary>
public sealed record ReconnectEnvelope
{
    public required TimeSpan DelayBase { get; init; }
    public required double Multiplier { get; init; }
    public required TimeSpan DelayMax { get; init; }

    /// <summary>Fraction of the nominal delay that jitter may remove (0..1): delay ∈ [nominal·(1−Jitter), nominal].</summary>
    public required double Jitter { get; init; }

    /// <summary>
    /// A connection that lasted this long counts as healthy: the next retry may be immediate (attempt 0) and the
    /// failure count starts over. Default 2 s (the client's <c>ReconnectOptions.HealthyAfter</c> default).
    /// </summary>
    public TimeSpan HealthyAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The bounds of the delay before attempt <paramref name="attempt"/> (0 = first retry after a healthy
    /// connection: zero; n ≥ 1 = after the n-th consecutive failure), raised by a server hint h to at least h and
    /// at most max(ceiling, h·(1 + Jitter)) — the client's <c>ReconnectOptions.EnvelopeFor</c>.
    /// </summary>
    public (TimeSpan Min, TimeSpan Max) Bounds(int attempt, TimeSpan? hint = null)
    {
        var min = attempt <= 0 ? TimeSpan.Zero : Min(attempt);
        var max = attempt <= 0 ? TimeSpan.Zero : Max(attempt);
        if (hint is { } h && h > TimeSpan.Zero)
        {
            min = min > h ? min : h;
            var hinted = h + (h * Jitter);
            max = max > hinted ? max : hinted;
        }

        return (min, max);
    }

    /// <summary>True when attempt <paramref name="attempt"/> (≥ 1) is at the cap (its nominal delay is <see cref="DelayMax"/>).</summary>
    public bool IsAtCap(int attempt) =>
        attempt >= 1 && DelayBase.TotalMilliseconds * Math.Pow(Multiplier, Math.Min(attempt - 1, 1000)) >= DelayMax.TotalMilliseconds;

    /// <summary>The nominal (un-jittered) delay for attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Nominal(int attempt)
    {
        var ms = DelayBase.TotalMilliseconds * Math.Pow(Multiplier, Math.Max(0, attempt - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, DelayMax.TotalMilliseconds));
    }

    public TimeSpan Min(int attempt) => Nominal(attempt) * (1 - Jitter);

    public TimeSpan Max(int attempt) => Nominal(attempt);
}
