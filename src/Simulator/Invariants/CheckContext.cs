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

    /// <summary>The nominal (un-jittered) delay for attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Nominal(int attempt)
    {
        var ms = DelayBase.TotalMilliseconds * Math.Pow(Multiplier, Math.Max(0, attempt - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, DelayMax.TotalMilliseconds));
    }

    public TimeSpan Min(int attempt) => Nominal(attempt) * (1 - Jitter);

    public TimeSpan Max(int attempt) => Nominal(attempt);
}
