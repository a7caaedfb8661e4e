using System.Globalization;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Cli;

/// <summary>Parses chatsim's command line; every mistake is a <see cref="CliException"/> naming the argument.</summary>
public static class CliParser
{
    public const string Usage = """
        usage:
          chatsim run <scenario.json> [--seed N] [--clients N] [--duration T] [--out DIR] [--repeat N | --seeds N]
                      [--server-url URL ((--token-command CMD | --token-file PATH) [--admin-token TOKEN] | --dev-tokens)]
                      [--toxiproxy-url URL]
                      [--bug name=value]... [--plain]
                      [--workers N | --external-workers N [--coordinator-listen IP:PORT] [--coordinator-tls]
                                   [--coordinator-cert PATH [--coordinator-key PATH]] | --no-split]
          chatsim worker --coordinator URL [--coordinator-fingerprint SHA256]
          chatsim validate <scenario.json>...
        durations: 250ms, 30s, 2m, 1h.   exit codes: 0 pass, 1 invariant violated, 2 SLO breached,
        3 inconclusive, 4 harness failure (watchdog), 64 bad arguments or scenario.
        """;

    /// <summary>Parses the arguments that follow <c>run</c>.</summary>
    public static RunArguments ParseRun(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? scenario = null;
        int? seed = null, clients = null;
        TimeSpan? duration = null;
        string? outDir = null, tokenCommand = null, tokenFile = null, adminToken = null;
        Uri? serverUrl = null, toxiproxyUrl = null;
        var repeat = 1;
        var seeds = 1;
        var plain = false;
        var bugs = new Dictionary<string, string>(StringComparer.Ordinal);
        int? workers = null, externalWorkers = null;
        var noSplit = false;
        var devTokens = false;
        string? coordinatorListen = null;
        var coordinatorTls = false;
        string? coordinatorCert = null, coordinatorKey = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new CliException($"{a}: needs a value");
            switch (a)
            {
                case "--seed":
                    seed = Int(a, Value(), 0, int.MaxValue);
                    break;
                case "--clients":
                    clients = Int(a, Value(), 1, 1_000_000);
                    break;
                case "--duration":
                    var d = Value();
                    duration = DurationText.TryParse(d, out var t) && t > TimeSpan.Zero ? t : throw new CliException($"--duration: '{d}' is not a duration such as 30s or 2m");
                    break;
                case "--out":
                    outDir = Value();
                    break;
                case "--repeat":
                    repeat = Int(a, Value(), 1, 1000);
                    break;
                case "--seeds":
                    seeds = Int(a, Value(), 1, 10_000);
                    break;
                case "--server-url":
                    serverUrl = Url(a, Value(), "http", "https");
                    break;
                case "--token-command":
                    tokenCommand = Value();
                    break;
                case "--token-file":
                    tokenFile = Value();
                    break;
                case "--admin-token":
                    adminToken = Value();
                    break;
                case "--toxiproxy-url":
                    toxiproxyUrl = Url(a, Value(), "http", "https");
                    break;
                case "--dev-tokens":
                    devTokens = true;
                    break;
                case "--bug":
                    var b = Value();
                    var eq = b.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || eq == b.Length - 1)
                    {
                        throw new CliException($"--bug: '{b}' must be name=value");
                    }

                    bugs[b[..eq]] = b[(eq + 1)..];
                    break;
                case "--plain":
                    plain = true;
                    break;
                case "--workers":
                    workers = Int(a, Value(), 1, 256);
                    break;
                case "--external-workers":
                    externalWorkers = Int(a, Value(), 1, 256);
                    break;
                case "--no-split":
                    noSplit = true;
                    break;
                case "--coordinator-listen":
                    coordinatorListen = Value();
                    break;
                case "--coordinator-tls":
                    coordinatorTls = true;
                    break;
                case Sharding.CoordinatorCertificateFiles.CertificateOption:
                    coordinatorCert = Value();
                    break;
                case Sharding.CoordinatorCertificateFiles.KeyOption:
                    coordinatorKey = Value();
                    break;
                default:
                    if (a.StartsWith('-'))
                    {
                        throw new CliException($"{a}: unknown option");
                    }

                    scenario = scenario is null ? a : throw new CliException($"{a}: only one scenario file per run");
                    break;
            }
        }

        if (scenario is null)
        {
            throw new CliException("run: a scenario file is required");
        }

        CheckTokenSources(serverUrl, tokenCommand, tokenFile, adminToken, devTokens, "--token-command / --token-file / --admin-token");
        if (repeat > 1 && seeds > 1)
        {
            throw new CliException("--repeat and --seeds: one at a time (--repeat runs one seed again and again, --seeds runs consecutive seeds once each)");
        }

        return new RunArguments
        {
            ScenarioPath = scenario,
            Seed = seed,
            Clients = clients,
            Duration = duration,
            OutDir = outDir,
            Repeat = repeat,
            Seeds = seeds,
            ServerUrl = serverUrl,
            TokenCommand = tokenCommand,
            TokenFile = tokenFile,
            AdminToken = adminToken,
            DevTokens = devTokens,
            ToxiproxyUrl = toxiproxyUrl,
            Bugs = bugs,
            Plain = plain,
            Workers = workers,
            ExternalWorkers = externalWorkers,
            NoSplit = noSplit,
            CoordinatorListen = coordinatorListen,
            CoordinatorTls = coordinatorTls,
            CoordinatorCertificate = Sharding.CoordinatorCertificateFiles.FromOptions(coordinatorCert, coordinatorKey),
        };
    }

    /// <summary>An integer option in [min, max], or a CliException naming the option.</summary>
    internal static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new CliException($"{name}: '{value}' must be an integer in [{min}, {max}]");

    /// <summary>
    /// The sources of tokens for <c>--server-url</c> (run and load): <c>--dev-tokens</c>, or <c>--token-command</c> or
    /// <c>--token-file</c> with, for run, <c>--admin-token</c>; each only with <c>--server-url</c>, which needs one of them.
    /// </summary>
    internal static void CheckTokenSources(Uri? serverUrl, string? tokenCommand, string? tokenFile, string? adminToken, bool devTokens, string dependentOptions)
    {
        if (devTokens)
        {
            if (serverUrl is null)
            {
                throw new CliException("--dev-tokens: only with --server-url");
            }

            if (tokenCommand is not null || tokenFile is not null || adminToken is not null)
            {
                throw new CliException("--dev-tokens / --token-command / --token-file / --admin-token: give one source of tokens, not both (a development server issues the admin token too)");
            }

            return;
        }

        if (serverUrl is null && (tokenCommand is not null || tokenFile is not null || adminToken is not null))
        {
            throw new CliException($"{dependentOptions}: only with --server-url");
        }

        if (tokenCommand is not null && tokenFile is not null)
        {
            throw new CliException("--token-command / --token-file: give one source of tokens, not both");
        }

        if (serverUrl is not null && tokenCommand is null && tokenFile is null)
        {
            throw new CliException("--server-url: needs --token-command CMD, --token-file PATH or --dev-tokens (a token command prints a bearer token for the user id it is given; a token file has a 'user-id token' line per user)");
        }
    }

    /// <summary>The tokens of <c>--token-file</c>, or null without one; a file that cannot be read or parsed is a <see cref="CliException"/>.</summary>
    internal static IReadOnlyDictionary<string, string>? LoadTokenFile(string? path)
    {
        try
        {
            return path is null ? null : TokenFile.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CliException($"--token-file: {e.Message}");
        }
    }

    internal static Uri Url(string name, string value, params string[] schemes) =>
        Uri.TryCreate(value, UriKind.Absolute, out var u) && schemes.Contains(u.Scheme)
            ? u
            : throw new CliException($"{name}: '{value}' must be an absolute {string.Join(" or ", schemes)} URL");

    /// <summary>A coordinator's certificate fingerprint (<see cref="Sharding.CoordinatorTls.ParseFingerprint"/>), or a CliException naming the option.</summary>
    internal static string Fingerprint(string name, string value)
    {
        try
        {
            return Sharding.CoordinatorTls.ParseFingerprint(value);
        }
        catch (FormatException e)
        {
            throw new CliException($"{name}: {e.Message}");
        }
    }
}
