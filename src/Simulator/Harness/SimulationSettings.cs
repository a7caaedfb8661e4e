using ChatResilience.Client;
using ChatResilience.Server;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Harness;

/// <summary>Everything one run needs: the scenario (overrides applied), the seed, the target and the bug switches.</summary>
public sealed record SimulationSettings
{
    public required Scenario Scenario { get; init; }
    public required int Seed { get; init; }

    /// <summary>External server; null runs the embedded one. Default: null.</summary>
    public Uri? ServerUrl { get; init; }
    public string? TokenCommand { get; init; }

    /// <summary>Users' tokens read from <c>--token-file</c> (user id → token), instead of a command. Default: null.</summary>
    public IReadOnlyDictionary<string, string>? Tokens { get; init; }

    public string? AdminToken { get; init; }

    /// <summary>Tokens, the admin's included, from the external server's <c>POST /dev/token</c> instead of a command.</summary>
    public bool DevTokens { get; init; }

    /// <summary>External Toxiproxy API; null runs the embedded proxy. Default: null.</summary>
    public Uri? ToxiproxyUrl { get; init; }
    public ServerBugSwitches ServerBugs { get; init; } = new();
    public ClientBugSwitches ClientBugs { get; init; } = ClientBugSwitches.None;

    /// <summary>Set by <c>chatsim worker</c>: this process runs one shard of the clients against a remote server. Default: null.</summary>
    internal Sharding.ShardContext? Shard { get; init; }

    /// <summary>True when the coordinator splits the run across workers, so the one-process file budget does not apply. Default: false.</summary>
    internal bool Sharded { get; init; }

    /// <summary>How long one client may take to connect and join at start. Default: 20 s.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>What the run keeps of the embedded server's log. Default: Information and up, 20 000 lines.</summary>
    public ServerLogCaptureOptions ServerLog { get; init; } = new();

    /// <summary>
    /// Where the recorded history's delivery rows spill (an unlinked file, read back through a memory mapping), so a
    /// long run's history lives on disk rather than in the heap. Default: the system temp directory (<c>$TMPDIR</c>
    /// or /tmp). Null keeps every row in memory.
    /// </summary>
    public string? HistorySpillDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Null when the run can start, else every reason it cannot (exit 64).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Shard is null && !Sharded && FileBudget.Check(Scenario.Clients.Count) is { } budget)
        {
            problems.Add(budget);
        }

        problems.AddRange(ServerLog.Problems().Select(p => "server log: " + p));
        // Several devices of one user share its connection budget: more than the embedded server's per-user cap would
        // be refused 4429 at start and the run would die on a start-up timeout instead of saying why.
        var users = Scenario.Workload.Users ?? Scenario.Clients.Count;
        var perUser = users > 0 ? (Scenario.Clients.Count + users - 1) / users : 0;
        if (ServerUrl is null && perUser > EmbeddedChatTarget.MaxConnectionsPerUser)
        {
            problems.Add($"workload.users: {Scenario.Clients.Count} clients over {users} users is {perUser} devices per user, above the embedded server's "
                + $"{EmbeddedChatTarget.MaxConnectionsPerUser} connections per user; raise workload.users to at least "
                + $"{(Scenario.Clients.Count + EmbeddedChatTarget.MaxConnectionsPerUser - 1) / EmbeddedChatTarget.MaxConnectionsPerUser}");
        }

        if (ServerUrl is not null)
        {
            foreach (var (f, i) in Scenario.Faults.Select((f, i) => (f, i)).Where(p => p.f.Type == FaultTypes.ServerRestart))
            {
                problems.Add($"faults[{i}] server_restart: an external server (--server-url) cannot be restarted by chatsim");
            }

            if (AdminToken is null && !DevTokens && Scenario.Faults.Any(f => f.Type is FaultTypes.RoomDelete or FaultTypes.MemberRemove))
            {
                problems.Add("room_delete / member_remove faults against an external server need --admin-token");
            }

            if (ServerBugs.AnyOn)
            {
                problems.Add("server bug switches only apply to the embedded server");
            }
        }

        return problems;
    }
}
