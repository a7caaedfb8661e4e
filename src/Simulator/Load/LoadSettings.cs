using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Load;

/// <summary>Everything one load run needs: the scenario, the seed and the resolved ramp (section, then command line).</summary>
public sealed record LoadSettings
{
    public required Scenario Scenario { get; init; }
    public required int Seed { get; init; }

    /// <summary>Connections to reach. Default: <c>load.target</c>, else <c>clients.count</c>.</summary>
    public required int Target { get; init; }

    /// <summary>Connections started per second.</summary>
    public required double RampRate { get; init; }

    /// <summary>Hold at the target after the ramp.</summary>
    public required TimeSpan Hold { get; init; }

    /// <summary>Messages/s per connected client.</summary>
    public required double MessageRatePerClient { get; init; }

    /// <summary>SLO evaluation window.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>How long one connect + join may take before it counts as an error. Default: <c>load.connectTimeout</c> (20 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>After the hold, how long outstanding sends may take to settle before the run stops. Default: 10 s.</summary>
    public TimeSpan DrainBound { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sampling period of connections, counters and server resources. Default: 1 s.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A deployment to load instead of the embedded server (<c>--server-url</c>); needs <see cref="TokenCommand"/> or <see cref="DevTokens"/>.</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary>Prints a bearer token for the user id given as its last argument (<c>--token-command</c>).</summary>
    public string? TokenCommand { get; init; }

    /// <summary>The <c>--token-file</c> the tokens were read from (for the load processes of a sharded run); null without one.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Users' tokens read from <see cref="TokenFile"/> (user id → token).</summary>
    public IReadOnlyDictionary<string, string>? Tokens { get; init; }

    /// <summary>Tokens from the server's development endpoint, <c>POST /dev/token</c> (<c>--dev-tokens</c>), instead of a command.</summary>
    public bool DevTokens { get; init; }

    /// <summary>A Toxiproxy server whose proxies carry the clients instead of the embedded fault proxy (<c>--toxiproxy-url</c>).</summary>
    public Uri? ToxiproxyUrl { get; init; }

    /// <summary>
    /// Load processes the run is spread over (<c>--processes</c>); above 1 this process coordinates them and drives no
    /// client itself. Default 1.
    /// </summary>
    public int Processes { get; init; } = 1;

    /// <summary>This process's share of a sharded run (<c>--shard I/N</c>, given by the coordinator); null otherwise.</summary>
    public LoadShard? Shard { get; init; }

    /// <summary>Whether the run's history is judged by the safety checkers (<see cref="LoadInvariants"/>; off with <c>--no-checks</c>). Default true.</summary>
    public bool SafetyChecks { get; init; } = true;

    /// <summary>
    /// Clients the rooms have no seat for: the planner seats every client once before any twice, so past the rooms'
    /// total size the rest connect, join nothing and never send (idle connections, which a sizing run may want).
    /// </summary>
    public int ClientsWithoutRoom => (int)Math.Max(0, Target - Scenario.Workload.Rooms.Sum(r => (long)r.Count * r.Size));

    /// <summary>
    /// Sockets one load process holds per client: fewer when the server or the proxies run elsewhere. In a run over
    /// several processes the server always runs elsewhere (its own process, started by the coordinator, or the URL).
    /// </summary>
    public int SocketsPerClient => FileBudget.SocketsPerClientFor(serverHere: ServerUrl is null && Processes == 1, proxiesHere: ToxiproxyUrl is null);

    /// <summary>The most clients one load process drives: all of them, this shard's, or the largest shard's.</summary>
    public int ClientsPerProcess => Shard?.ClientsOf(Target) ?? (Target + Processes - 1) / Processes;

    /// <summary>What the run loads, as the report names it: the deployment's URL, the server process of a run over several load processes, or the embedded server.</summary>
    public string ServerUnderTest => ServerUrl?.ToString() ?? (Processes > 1 ? LoadSummary.ServerProcess : LoadSummary.Embedded);

    /// <summary>The ramp's schedule.</summary>
    public RampSchedule Ramp => new(Target, RampRate);

    /// <summary>Ramp plus hold: the span sends are planned over.</summary>
    public TimeSpan LoadDuration => Ramp.Duration + Hold;

    /// <summary>Resolves the section's values and the command-line overrides (null = keep).</summary>
    public static LoadSettings Resolve(Scenario scenario, int seed, int? target = null, double? rampRate = null, TimeSpan? hold = null, double? rate = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var l = scenario.Load ?? new LoadSpec();
        return new LoadSettings
        {
            Scenario = scenario,
            Seed = seed,
            Target = target ?? l.Target ?? scenario.Clients.Count,
            RampRate = rampRate ?? l.RampRate,
            Hold = hold ?? l.Hold,
            MessageRatePerClient = rate ?? l.MessageRatePerClient ?? scenario.Workload.SendRatePerClient,
            Window = l.Window,
            ConnectTimeout = l.ConnectTimeout,
        };
    }

    /// <summary>Every reason the run cannot start (exit 64), each naming the field or option.</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (FileBudget.Check(ClientsPerProcess, SocketsPerClient) is { } budget)
        {
            p.Add(Processes > 1 || Shard is not null
                ? $"load.target / --target: {ClientsPerProcess} clients per load process: {budget}; use more --processes"
                : $"load.target / --target: {budget}; spread the run over load processes (--processes N, {(this with { Processes = 2 }).SocketsPerClient} sockets per client in each), or move the server (--server-url: 3 sockets per client here) and the proxies (--toxiproxy-url: 1) out");
        }

        if (Processes > Target)
        {
            p.Add($"--processes: {Processes} load processes for {Target} clients would leave some with none");
        }

        if (Processes > 1 && ServerUrl is null && FileBudget.Check(Target, 1) is { } serverBudget)
        {
            p.Add($"load.target / --target: the server process holds a socket per client: {serverBudget}");
        }

        if (RampRate <= 0 || RampRate > LoadSpecValidator.MaxRampRate || !double.IsFinite(RampRate))
        {
            p.Add($"load.rampRate / --ramp: must be in (0, {LoadSpecValidator.MaxRampRate}] connections/s");
        }

        if (MessageRatePerClient is < 0 or > 100 || !double.IsFinite(MessageRatePerClient))
        {
            p.Add("load.messageRatePerClient / --rate: must be in [0, 100] messages/s per client");
        }

        foreach (var (room, i) in Scenario.Workload.Rooms.Select((r, i) => (r, i)).Where(r => r.r.Size > Target))
        {
            p.Add($"workload.rooms[{i}].size: {room.Size} members is more than the load target {Target}");
        }

        foreach (var (f, i) in Scenario.Faults.Select((f, i) => (f, i)).Where(f => !FaultTypes.Network.Contains(f.f.Type)))
        {
            p.Add($"faults[{i}].type: load mode runs network faults only ('{f.Type}' is a harness fault)");
        }

        foreach (var (o, i) in Scenario.Workload.Offline.Select((o, i) => (o, i)))
        {
            p.Add($"workload.offline[{i}]: load mode has no offline windows (clients start on the ramp)");
        }

        return p;
    }
}
