using System.Globalization;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Load;

/// <summary>The parsed arguments of <c>chatsim load</c>; null options keep the scenario's <c>load</c> section.</summary>
public sealed record LoadArguments
{
    public const string Usage = """
          chatsim load <scenario.json> [--seed N] [--target N] [--ramp R/s] [--hold T] [--rate M/s] [--out DIR] [--no-checks]
                       [--server-url URL (--token-command CMD | --token-file PATH | --dev-tokens)] [--toxiproxy-url URL]
                       [--processes N | --external-processes N [--coordinator-listen IP:PORT] [--coordinator-tls]
                                                                    [--coordinator-cert PATH [--coordinator-key PATH]]]
              ramp connections to a target, hold a per-client message rate, report where each SLO first breaks
              and whether a safety guarantee failed (nothing twice, one order per room and sender, gap-free replay;
              --no-checks skips those for a soak of hours: they hold ~60 B per delivery while they run);
              against the embedded server, or a deployment of yours with --server-url; --processes N spreads the
              clients over N load processes (the server then runs in a process of its own) for ramps past one
              process's open files; --external-processes N waits for N load processes started on other machines with
              chatsim load-process --coordinator URL [--coordinator-fingerprint SHA256]
                                   [--token-file PATH | --token-command CMD] [--out DIR]
              (the coordinator's API serves HTTPS beyond loopback, or with --coordinator-tls, and prints the
              fingerprint its processes must be given; --coordinator-cert serves a certificate of yours instead, PEM
              or PKCS#12, its password in CHATSIM_COORDINATOR_CERT_PASSWORD)
              (exit 0 all held, 1 a safety checker failed, 2 an SLO broke, 3 one had no samples, 4 harness failure,
               64 bad input)
          chatsim compare <baseline.json> <new.json> [--tolerance 10%] [--metric name=tol]...
              regression table of two load (or two run) summaries: exit 0 within tolerance, 1 past it, 64 unreadable
        """;

    /// <summary>Path of the scenario file. Required.</summary>
    public required string ScenarioPath { get; init; }

    /// <summary>Overrides the scenario's seed. Default: the scenario's.</summary>
    public int? Seed { get; init; }

    /// <summary>Overrides <c>load.target</c>. Default: the section's, else <c>clients.count</c>.</summary>
    public int? Target { get; init; }

    /// <summary>Overrides <c>load.rampRate</c> (connections/s). Default: the section's (50/s).</summary>
    public double? RampRate { get; init; }

    /// <summary>Overrides <c>load.hold</c>. Default: the section's (30 s).</summary>
    public TimeSpan? Hold { get; init; }

    /// <summary>Overrides <c>load.messageRatePerClient</c> (messages/s per client). Default: the section's, else <c>workload.sendRatePerClient</c>.</summary>
    public double? Rate { get; init; }

    /// <summary>Output folder. Default: <c>artifacts/chatsim/load-{name}-{seed}</c>.</summary>
    public string? OutDir { get; init; }

    /// <summary>A deployment to load instead of the embedded server. Needs <see cref="TokenCommand"/> or <see cref="DevTokens"/>.</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary>Prints a bearer token for the user id given as its last argument.</summary>
    public string? TokenCommand { get; init; }

    /// <summary>A file of 'user-id token' lines, instead of a token command (<see cref="Harness.TokenFile"/>).</summary>
    public string? TokenFile { get; init; }

    /// <summary>A Toxiproxy server to carry the clients instead of the embedded fault proxy.</summary>
    public Uri? ToxiproxyUrl { get; init; }

    /// <summary>Tokens from the server's <c>POST /dev/token</c> (a development server) instead of a command.</summary>
    public bool DevTokens { get; init; }

    /// <summary>Load processes to spread the clients over (<c>--processes</c>); null: one, this one.</summary>
    public int? Processes { get; init; }

    /// <summary>
    /// True when the <see cref="Processes"/> are started elsewhere (<c>--external-processes N</c>): the coordinator waits
    /// for N <c>chatsim load-process --coordinator URL</c> to register instead of starting them.
    /// </summary>
    public bool ExternalProcesses { get; init; }

    /// <summary>Where the coordinator's API listens for external load processes (<c>--coordinator-listen IP:PORT</c>); null: 127.0.0.1, a free port.</summary>
    public string? CoordinatorListen { get; init; }

    /// <summary>Serves the coordinator API over HTTPS on loopback too (<c>--coordinator-tls</c>; beyond loopback it always does).</summary>
    public bool CoordinatorTls { get; init; }

    /// <summary>
    /// Skips the safety checkers (<c>--no-checks</c>, <see cref="LoadInvariants"/>): for a soak of hours, since they hold
    /// ~60 B per recorded delivery while they run, on top of the history's 13 B.
    /// </summary>
    public bool NoChecks { get; init; }

    /// <summary>The user's own certificate for the coordinator API (<c>--coordinator-cert</c>, <c>--coordinator-key</c>); null: one made for the run when TLS is on.</summary>
    public Sharding.CoordinatorCertificateFiles? CoordinatorCertificate { get; init; }

    /// <summary>
    /// This process's share of a run spread over several (<c>--shard I/N</c>): what a coordinator passes its load
    /// processes. Such a process waits for a start line on its input and writes raw results, not a report.
    /// </summary>
    public LoadShard? Shard { get; init; }

    /// <summary>Parses the arguments that follow <c>load</c>; every mistake is a <see cref="CliException"/> naming the option.</summary>
    public static LoadArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? scenario = null, outDir = null, tokenCommand = null, tokenFile = null;
        Uri? serverUrl = null, toxiproxyUrl = null;
        var devTokens = false;
        var external = false;
        var tls = false;
        var noChecks = false;
        string? certificatePath = null, keyPath = null;
        string? listen = null;
        int? seed = null, target = null, processes = null;
        LoadShard? shard = null;
        double? ramp = null, rate = null;
        TimeSpan? hold = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new CliException($"{a}: needs a value");
            switch (a)
            {
                case "--seed":
                    seed = CliParser.Int(a, Value(), 0, int.MaxValue);
                    break;
                case "--target":
                    target = CliParser.Int(a, Value(), 1, 1_000_000);
                    break;
                case "--ramp":
                    ramp = PerSecond(a, Value(), 0, LoadSpecValidator.MaxRampRate, zeroAllowed: false);
                    break;
                case "--rate":
                    rate = PerSecond(a, Value(), 0, 100, zeroAllowed: true);
                    break;
                case "--hold":
                    var h = Value();
                    hold = DurationText.TryParse(h, out var t) && t >= TimeSpan.Zero ? t : throw new CliException($"--hold: '{h}' is not a duration such as 30s or 2m");
                    break;
                case "--out":
                    outDir = Value();
                    break;
                case "--server-url":
                    serverUrl = CliParser.Url(a, Value(), "http", "https");
                    break;
                case "--token-command":
                    tokenCommand = Value();
                    break;
                case "--token-file":
                    tokenFile = Value();
                    break;
                case "--toxiproxy-url":
                    toxiproxyUrl = CliParser.Url(a, Value(), "http", "https");
                    break;
                case "--dev-tokens":
                    devTokens = true;
                    break;
                case "--processes":
                    processes = CliParser.Int(a, Value(), 1, LoadShard.MaxCount);
                    break;
                case "--external-processes":
                    processes = CliParser.Int(a, Value(), 2, LoadShard.MaxCount);
                    external = true;
                    break;
                case "--coordinator-listen":
                    listen = Value();
                    break;
                case "--coordinator-tls":
                    tls = true;
                    break;
                case "--no-checks":
                    noChecks = true;
                    break;
                case Sharding.CoordinatorCertificateFiles.CertificateOption:
                    certificatePath = Value();
                    break;
                case Sharding.CoordinatorCertificateFiles.KeyOption:
                    keyPath = Value();
                    break;
                case "--shard":
                    var sh = Value();
                    shard = LoadShard.TryParse(sh) ?? throw new CliException($"--shard: '{sh}' is not I/N with 0 ≤ I < N and 2 ≤ N ≤ {LoadShard.MaxCount}");
                    break;
                default:
                    if (a.StartsWith('-'))
                    {
                        throw new CliException($"{a}: unknown option for load");
                    }

                    scenario = scenario is null ? a : throw new CliException($"{a}: only one scenario file per load run");
                    break;
            }
        }

        CliParser.CheckTokenSources(serverUrl, tokenCommand, tokenFile, adminToken: null, devTokens, "--token-command / --token-file");
        if (processes > 1 && toxiproxyUrl is not null)
        {
            // Each load process creates its group proxies under the same names: on one Toxiproxy server they would collide.
            throw new CliException("--processes: not with --toxiproxy-url (each load process runs its own embedded proxies)");
        }

        if (external && args.Contains("--processes"))
        {
            throw new CliException("--external-processes: not with --processes (it says how many processes, all started elsewhere)");
        }

        if (listen is not null && !external)
        {
            throw new CliException("--coordinator-listen: only with --external-processes");
        }

        if (tls && !external)
        {
            throw new CliException("--coordinator-tls: only with --external-processes");
        }

        var certificate = Sharding.CoordinatorCertificateFiles.FromOptions(certificatePath, keyPath);
        if (certificate is not null && !external)
        {
            throw new CliException($"{Sharding.CoordinatorCertificateFiles.CertificateOption}: only with --external-processes");
        }

        if (shard is not null && (serverUrl is null || processes is not null || toxiproxyUrl is not null))
        {
            throw new CliException("--shard: a load process of a sharded run needs --server-url, and no --processes or --toxiproxy-url (the coordinator passes it)");
        }

        return new LoadArguments
        {
            ScenarioPath = scenario ?? throw new CliException("load: a scenario file is required"),
            Seed = seed,
            Target = target,
            RampRate = ramp,
            Hold = hold,
            Rate = rate,
            OutDir = outDir,
            ServerUrl = serverUrl,
            TokenCommand = tokenCommand,
            TokenFile = tokenFile,
            ToxiproxyUrl = toxiproxyUrl,
            DevTokens = devTokens,
            Processes = processes,
            ExternalProcesses = external,
            CoordinatorListen = listen,
            CoordinatorTls = tls,
            NoChecks = noChecks,
            CoordinatorCertificate = certificate,
            Shard = shard,
        };
    }

    /// <summary>The command that repeats this load run.</summary>
    public string RepeatCommand(int seed)
    {
        var parts = new List<string> { "chatsim", "load", RunArguments.Quote(ScenarioPath), "--seed", I(seed) };
        if (Target is { } n)
        {
            parts.AddRange(["--target", I(n)]);
        }

        if (RampRate is { } r)
        {
            parts.AddRange(["--ramp", r.ToString(CultureInfo.InvariantCulture) + "/s"]);
        }

        if (Hold is { } h)
        {
            parts.AddRange(["--hold", DurationText.Format(h)]);
        }

        if (Rate is { } m)
        {
            parts.AddRange(["--rate", m.ToString(CultureInfo.InvariantCulture) + "/s"]);
        }

        if (ServerUrl is not null)
        {
            parts.AddRange(["--server-url", ServerUrl.ToString()]);
            parts.AddRange(RunArguments.TokenSourceOptions(DevTokens, TokenFile, TokenCommand, RunArguments.Quote));
        }

        if (ToxiproxyUrl is not null)
        {
            parts.AddRange(["--toxiproxy-url", ToxiproxyUrl.ToString()]);
        }

        if (Processes is { } p)
        {
            parts.AddRange([ExternalProcesses ? "--external-processes" : "--processes", I(p)]);
        }

        if (CoordinatorListen is not null)
        {
            parts.AddRange(["--coordinator-listen", CoordinatorListen]);
        }

        if (CoordinatorTls)
        {
            parts.Add("--coordinator-tls");
        }

        if (CoordinatorCertificate is not null)
        {
            parts.AddRange(CoordinatorCertificate.Options().Select(RunArguments.Quote));
        }

        return string.Join(' ', parts);
    }

    private static string I(int n) => n.ToString(CultureInfo.InvariantCulture);

    // "25/s" or "25"; the unit is optional so scripts can pass plain numbers.
    private static double PerSecond(string name, string value, double min, double max, bool zeroAllowed)
    {
        var text = value.EndsWith("/s", StringComparison.Ordinal) ? value[..^2] : value;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= min && v <= max && (zeroAllowed || v > 0)
            ? v
            : throw new CliException($"{name}: '{value}' must be a rate such as 25/s in {(zeroAllowed ? "[" : "(")}{min}, {max}]");
    }
}
