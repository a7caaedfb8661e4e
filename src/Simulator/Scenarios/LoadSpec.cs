namespace ChatResilience.Simulator.Scenarios;

/// <summary>
/// The optional <c>load</c> section of a scenario (read by <c>chatsim load</c>, ignored by <c>run</c>): ramp
/// connections at <see cref="RampRate"/> to <see cref="Target"/>, then hold for <see cref="Hold"/>, every
/// connected client sending <see cref="MessageRatePerClient"/> messages/s; SLOs are evaluated per <see cref="Window"/>.
/// </summary>
public sealed record LoadSpec
{
    /// <summary>The only version of the section this build reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Version of the section; must be <see cref="CurrentVersion"/>. Default: 1.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>New connections started per second during the ramp. Default: 50.</summary>
    public double RampRate { get; init; } = 50;

    /// <summary>Connections to reach (the plan's client count). Default: the scenario's <c>clients.count</c>.</summary>
    public int? Target { get; init; }

    /// <summary>How long the target load is held after the ramp. Default: 30 s.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages/s each connected client sends (Poisson). Default: the scenario's <c>workload.sendRatePerClient</c>.</summary>
    public double? MessageRatePerClient { get; init; }

    /// <summary>Width of the SLO evaluation windows. Default: 5 s.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one connect (and join) may take before it counts as failed. Default: 20 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
