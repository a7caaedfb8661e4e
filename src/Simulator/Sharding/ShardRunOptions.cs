using System.Net;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>How a sharded run is laid out: how many workers, where they come from, where the coordinator listens.</summary>
public sealed record ShardRunOptions
{
    /// <summary>How many workers (shards). Required, ≥ 1.</summary>
    public required int Workers { get; init; }

    /// <summary>True: wait for workers started elsewhere (<c>chatsim worker --coordinator URL</c>) instead of spawning them. Default: false.</summary>
    public bool ExternalWorkers { get; init; }

    /// <summary>Address the coordinator API binds. Default: 127.0.0.1 (use 0.0.0.0 for workers on other machines).</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>Port of the coordinator API. Default: 0 (a free port).</summary>
    public int Port { get; init; }

    /// <summary>Serve HTTPS on loopback too (beyond loopback the API always does; <see cref="CoordinatorTls"/>). Default: false.</summary>
    public bool Tls { get; init; }

    /// <summary>The user's own certificate for the API (<c>--coordinator-cert</c>), served instead of one made for the run; null: none.</summary>
    public CoordinatorCertificateFiles? Certificate { get; init; }

    /// <summary>The shared secret workers must present (<see cref="CoordinatorSecret"/>); null: none.</summary>
    public string? Secret { get; init; }

    /// <summary>How often workers heartbeat. Default: 1 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A worker silent for more than this many heartbeat intervals (and, for real worker processes, the scenario's watchdog bound) fails the run (exit 4). Default: 10.</summary>
    public int MissedHeartbeats { get; init; } = 10;

    /// <summary>How long to wait for every worker to register. Default: 60 s.</summary>
    public TimeSpan RegistrationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Every reason these options cannot work.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Workers is < 1 or > 256)
        {
            problems.Add($"workers: {Workers} is outside [1, 256]");
        }

        if (Port is < 0 or > 65535)
        {
            problems.Add($"coordinator port: {Port} is outside [0, 65535]");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || MissedHeartbeats < 2)
        {
            problems.Add("heartbeat: the interval must be > 0 and at least 2 may be missed");
        }

        return problems;
    }

    /// <summary>Tests: the silence limit is the heartbeat count alone, not at least the scenario's watchdog bound. Default: false.</summary>
    internal bool IgnoreScenarioWatchdog { get; init; }

    /// <summary>The server of the run (the server process; tests pass the embedded one).</summary>
    internal Func<int, CancellationToken, Task<IChatTarget>>? StartServer { get; init; }

    /// <summary>
    /// Starts local worker <c>n</c> (1-based) against the coordinator URL, given the fingerprint of its certificate when
    /// it serves HTTPS; the task ends with the worker. Default: a child process.
    /// </summary>
    internal Func<Uri, string?, int, CancellationToken, Task<int>>? LaunchWorker { get; init; }
}
