namespace ChatResilience.Simulator.Scenarios;

/// <summary>Time bounds applied by the checkers and the harness.</summary>
public sealed record BoundsSpec
{
    /// <summary>An offline queue must be acked within this long after the client is back. Default: 30 s.</summary>
    public TimeSpan OfflineReplay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Readers must converge within this long after the last fault heals. Default: 30 s.</summary>
    public TimeSpan Convergence { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Slack added to every wall-time comparison (thread pool, GC, loopback). Default: 250 ms.</summary>
    public TimeSpan SchedulingTolerance { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest the harness waits after the workload for outboxes to drain and readers to converge. Default: 30 s.</summary>
    public TimeSpan Quiesce { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The watchdog fails the run (exit 4) after this long without any progress. Default: 30 s.</summary>
    public TimeSpan Watchdog { get; init; } = TimeSpan.FromSeconds(30);
}
