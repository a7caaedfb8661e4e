namespace ChatResilience.Simulator.Cli;

/// <summary>The parsed arguments of <c>chatsim run</c>.</summary>
public sealed record RunArguments
{
    /// <summary>Path of the scenario file. Required.</summary>
    public required string ScenarioPath { get; init; }

    /// <summary>Overrides the scenario's seed. Default: the scenario's.</summary>
    public int? Seed { get; init; }

    /// <summary>Overrides the client count. Default: the scenario's.</summary>
    public int? Clients { get; init; }

    /// <summary>Overrides the duration. Default: the scenario's.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Output folder for summary.json, junit.xml, report.html, violations. Default: <c>artifacts/chatsim/{name}-{seed}</c>.</summary>
    public string? OutDir { get; init; }

    /// <summary>Runs the same seed this many times and reports how often each failure reproduces. Default: 1.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>
    /// Runs this many consecutive seeds, from <see cref="Seed"/> (or the scenario's) up, once each, and reports which
    /// failed with the command that repeats each: a sweep for failures one seed does not show. Default: 1.
    /// </summary>
    public int Seeds { get; init; } = 1;

    /// <summary>External server base URL (http[s]://host:port); null runs the embedded server. Default: null.</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary>Shell command printing a bearer token for the user id given as its last argument (external server). Default: null.</summary>
    public string? TokenCommand { get; init; }

    /// <summary>A file of 'user-id token' lines (external server), instead of a token command. Default: null.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Admin bearer token for room deletes and member removals (external server). Default: null.</summary>
    public string? AdminToken { get; init; }

    /// <summary>Tokens, the admin's included, from the server's <c>POST /dev/token</c> (a development server).</summary>
    public bool DevTokens { get; init; }

    /// <summary>A real Toxiproxy API URL; null runs the embedded proxy. Default: null.</summary>
    public Uri? ToxiproxyUrl { get; init; }

    /// <summary>Test-only bug switches, <c>name=value</c> (server or client). Default: none.</summary>
    public IReadOnlyDictionary<string, string> Bugs { get; init; } = new Dictionary<string, string>();

    /// <summary>Forces plain progress lines even in a terminal. Default: false.</summary>
    public bool Plain { get; init; }

    /// <summary>Splits the run across this many local worker processes (the server in its own process). Default: null (split only above the file budget).</summary>
    public int? Workers { get; init; }

    /// <summary>Waits for this many workers started elsewhere with <c>chatsim worker --coordinator URL</c>. Default: null.</summary>
    public int? ExternalWorkers { get; init; }

    /// <summary>Never split: a run above one process's file budget exits 64 with the arithmetic. Default: false.</summary>
    public bool NoSplit { get; init; }

    /// <summary>ip:port the coordinator API binds (workers on other machines need a reachable one). Default: 127.0.0.1, a free port.</summary>
    public string? CoordinatorListen { get; init; }

    /// <summary>Serves the coordinator API over HTTPS on loopback too (beyond loopback it always does; see <see cref="Sharding.CoordinatorTls"/>). Default: false.</summary>
    public bool CoordinatorTls { get; init; }

    /// <summary>The user's own certificate for the coordinator API (<c>--coordinator-cert</c>, <c>--coordinator-key</c>); null: one made for the run when TLS is on.</summary>
    public Sharding.CoordinatorCertificateFiles? CoordinatorCertificate { get; init; }

    /// <summary>The command that repeats this run (scenario + seed, and the options that change behaviour).</summary>
    public string RepeatCommand(int seed)
    {
        var parts = new List<string> { "chatsim", "run", Quote(ScenarioPath), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (Clients is { } c)
        {
            parts.AddRange(["--clients", c.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (Duration is { } d)
        {
            parts.AddRange(["--duration", Scenarios.DurationText.Format(d)]);
        }

        foreach (var (name, value) in Bugs.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            parts.AddRange(["--bug", $"{name}={value}"]);
        }

        if (ServerUrl is not null)
        {
            parts.AddRange(["--server-url", ServerUrl.ToString()]);
            parts.AddRange(TokenSourceOptions(DevTokens, TokenFile, TokenCommand, Quote));
            if (AdminToken is not null)
            {
                parts.AddRange(["--admin-token", "…"]);
            }
        }

        if (ToxiproxyUrl is not null)
        {
            parts.AddRange(["--toxiproxy-url", ToxiproxyUrl.ToString()]);
        }

        return string.Join(' ', parts);
    }

    /// <summary>
    /// The token source as options for a command line (<paramref name="quote"/> readies a value for it): run and load
    /// repeat commands print them, a sharded load run passes them to its load processes.
    /// </summary>
    internal static string[] TokenSourceOptions(bool devTokens, string? tokenFile, string? tokenCommand, Func<string, string> quote) =>
        devTokens ? ["--dev-tokens"] : tokenFile is not null ? ["--token-file", quote(tokenFile)] : ["--token-command", quote(tokenCommand ?? "")];

    /// <summary>An argument as a shell would need it in a repeat command: quoted when it holds a space.</summary>
    internal static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) ? $"\"{s}\"" : s;
}
