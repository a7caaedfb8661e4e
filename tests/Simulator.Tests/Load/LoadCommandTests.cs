using System.Text.Json;
using ChatResilience.Chaos.Proxy;
using ChatResilience.Server.Hosting;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Tests.Cli;
using ChatResilience.Simulator.Tests.Harness;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ChatResilience.Simulator.Tests.Load;

public sealed class LoadCommandTests() : CliTestBase("chatsim-load-")
{
    private string Write(string json)
    {
        var path = Path.Combine(Dir, "s.json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>Runs <c>chatsim load</c> on <paramref name="scenario"/> into a fresh output folder, bounded to a minute.</summary>
    private async Task<(int Exit, string OutDir)> LoadAsync(string scenario, params string[] options)
    {
        var outDir = Path.Combine(Dir, "out");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60), TimeProvider.System);
        return (await ChatSimApp.MainAsync(["load", scenario, "--out", outDir, .. options], Out, Err, timeout.Token), outDir);
    }

    [Fact]
    public async Task Load_50ClientsRamp25PerSecondHold5s_WritesPercentilesAndBreakTable()
    {
        var scenario = Write("""
            {
              "schemaVersion": 1, "name": "load-e2e", "seed": 3,
              "clients": { "count": 50 },
              "workload": { "rooms": [ { "name": "r", "count": 5, "size": 10 } ], "sendRatePerClient": 1 },
              "slos": { "delivery_latency_p99_ms": 60000, "connected_fraction_min": 0.5 },
              "load": { "version": 1, "rampRate": 25, "hold": "5s", "window": "2s" }
            }
            """);

        var (exit, outDir) = await LoadAsync(scenario);

        var text = Out.ToString();
        Assert.True(exit == 0, text + Err);
        Assert.Contains("SLO break table:", text, StringComparison.Ordinal);
        Assert.Matches(@"HELD\s+delivery_latency_p99_ms\s+≤ 60000\s+held to 50 connections", text);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("load", root.GetProperty("kind").GetString());
        Assert.Equal(50, root.GetProperty("connectTime").GetProperty("count").GetInt64());
        Assert.True(root.GetProperty("deliveryLatency").GetProperty("count").GetInt64() > 0);
        Assert.True(root.GetProperty("deliveryLatency").GetProperty("p99").GetInt64() >= root.GetProperty("deliveryLatency").GetProperty("p50").GetInt64());
        Assert.Equal(2, root.GetProperty("sloBreaks").GetArrayLength());
        // The safety checkers judged the run's history: each passed, on the deliveries the run made.
        var checkers = root.GetProperty("invariants").EnumerateArray().ToList();
        Assert.Equal(["NoDuplicateDelivery", "PerRoomTotalOrder", "ReplayIsGapFree", "PerSenderOrder"], checkers.Select(c => c.GetProperty("name").GetString()));
        Assert.All(checkers, c => Assert.Equal("Passed", c.GetProperty("status").GetString()));
        Assert.True(checkers[0].GetProperty("samples").GetInt64() > 0);
        Assert.Contains("safety checkers   NoDuplicateDelivery PASS (", text, StringComparison.Ordinal);
        Assert.Contains("name=\"NoDuplicateDelivery\"", File.ReadAllText(Path.Combine(outDir, "junit.xml")), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("gitCommit").GetString()));
        Assert.True(root.GetProperty("server").TryGetProperty("source", out _));
        // The load generator's own scheduling lag: one tick per sample, judged against the scenario's tolerance (250 ms default).
        var harness = root.GetProperty("harnessLoad");
        Assert.Equal(250, harness.GetProperty("toleranceMs").GetInt64());
        var process = Assert.Single(harness.GetProperty("processes").EnumerateArray());
        Assert.Equal("chatsim", process.GetProperty("process").GetString());
        Assert.True(process.GetProperty("samples").GetInt32() >= 5);
        Assert.Matches(@"harness\s+scheduling lag p50 \d+ ms, p99 \d+ ms, max \d+ ms \(\d+ ticks, \d+ over 250 ms\)", text);
        using var series = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "load.json")));
        Assert.True(series.RootElement.GetProperty("samples").GetArrayLength() >= 5);
        Assert.True(series.RootElement.GetProperty("windows").GetArrayLength() >= 3);
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("svg id=\"load-connections-plot\"", html, StringComparison.Ordinal);
        Assert.Contains("svg id=\"load-latency-plot\"", html, StringComparison.Ordinal);
        Assert.Contains("<testcase", File.ReadAllText(Path.Combine(outDir, "junit.xml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_ExternalServerAndToxiproxy_LoadsTheDeploymentThroughTheirProxiesWithTokensFromTheCommand()
    {
        const string json = """
            {
              "schemaVersion": 1, "name": "load-external", "seed": 5,
              "clients": { "count": 20 },
              "workload": { "rooms": [ { "name": "ext", "count": 2, "size": 10 } ], "sendRatePerClient": 1 },
              "slos": { "delivery_latency_p99_ms": 60000 },
              "load": { "version": 1, "rampRate": 20, "hold": "3s", "window": "1s" }
            }
            """;
        var scenario = Write(json);
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        // A Toxiproxy server elsewhere: ours, speaking the same API, so the test can see which proxies it was asked for.
        using var proxyLogs = new FakeLoggerProvider();
        using var proxyLoggers = LoggerFactory.Create(b => b.AddProvider(proxyLogs));
        await using var toxiproxy = await EmbeddedToxiproxy.StartAsync(new EmbeddedToxiproxyOptions { Port = 0 }, TimeProvider.System, proxyLoggers);
        // Tokens for every planned user and the warm-up client.
        var plan = LoadRunner.PlanFor(LoadSettings.Resolve(ScenarioLoader.Parse(json).Scenario, seed: 5));
        var tokenCommand = await TokenFileCommand.WriteAsync(server, LocalLoadFleet.Users(plan), Dir);

        var (exit, outDir) = await LoadAsync(scenario, "--server-url", server.BaseUri.ToString(), "--token-command", tokenCommand, "--toxiproxy-url", toxiproxy.ApiUri.ToString());

        var text = Out.ToString();
        Assert.True(exit == 0, text + Err);
        Assert.Contains($"server {server.BaseUri}, proxies {toxiproxy.ApiUri}", text, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(server.BaseUri.ToString(), root.GetProperty("serverUnderTest").GetString());
        Assert.Equal(toxiproxy.ApiUri.ToString(), root.GetProperty("faultProxies").GetString());
        // The run's proxy (one client group) was created on that server, towards the deployment, and removed after it.
        var proxyEvents = proxyLogs.Collector.GetSnapshot();
        var created = Assert.Single(proxyEvents, e => e.Id.Id == 5000);
        Assert.Contains($"upstream {server.BaseUri.Authority}", created.Message, StringComparison.Ordinal);
        Assert.Single(proxyEvents, e => e.Id.Id == 5001);
        Assert.Equal(20, root.GetProperty("connectTime").GetProperty("count").GetInt64());
        Assert.True(root.GetProperty("deliveryLatency").GetProperty("count").GetInt64() > 0);
        Assert.Equal(ServerResourceProbe.FromMetrics, root.GetProperty("server").GetProperty("source").GetString());
        // The deployment itself took the messages: its log holds both rooms' sends.
        foreach (var room in plan.Clients.SelectMany(c => c.Rooms).Distinct(StringComparer.Ordinal))
        {
            Assert.True((await server.Core.Log.GetRoomAsync(room))?.Head > 0, $"{room} got no message on the external server");
        }

        Assert.Contains($"<th>server under test / fault proxies</th><td>{server.BaseUri} / {toxiproxy.ApiUri}</td>", File.ReadAllText(Path.Combine(outDir, "report.html")), StringComparison.Ordinal);
        Assert.EndsWith($"--server-url {server.BaseUri} --token-command \"{tokenCommand}\" --toxiproxy-url {toxiproxy.ApiUri}", root.GetProperty("reproCommand").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_NoClientCouldConnect_Exit3InconclusiveNeverAPass()
    {
        var scenario = Write("""
            {
              "schemaVersion": 1, "name": "load-refused", "seed": 2,
              "clients": { "count": 6 },
              "workload": { "rooms": [ { "name": "r", "count": 1, "size": 6 } ], "sendRatePerClient": 1 },
              "slos": { "delivery_latency_p99_ms": 60000, "connected_fraction_min": 0.5 },
              "load": { "version": 1, "rampRate": 6, "hold": "1s", "window": "1s" }
            }
            """);
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });

        // The command prints something that is not a token: the server refuses every client (401), nothing is measured.
        var (exit, outDir) = await LoadAsync(scenario, "--server-url", server.BaseUri.ToString(), "--token-command", "echo not-a-token");

        var text = Out.ToString();
        Assert.True(exit == 3, text + Err);
        Assert.Matches(@"NO DATA\s+delivery_latency_p99_ms\s+≤ 60000\s+not judged", text);
        Assert.Contains("connect failures 6", text, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(3, summary.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("type=\"inconclusive\"", File.ReadAllText(Path.Combine(outDir, "junit.xml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_PastTheServersConnectionCap_ConnectErrorSloBreaksAtTheCap()
    {
        const string json = """
            {
              "schemaVersion": 1, "name": "load-cap", "seed": 4,
              "clients": { "count": 20 },
              "workload": { "rooms": [ { "name": "c", "count": 4, "size": 5 } ], "sendRatePerClient": 1 },
              "slos": { "connect_error_fraction_max": 0.05, "connect_time_p99_ms": 10000 },
              "load": { "version": 1, "rampRate": 10, "hold": "3s", "window": "1s", "connectTimeout": "5s" }
            }
            """;
        var scenario = Write(json);
        // A deployment that takes 11 connections and answers the rest 503 + Retry-After (its total connection cap): the
        // ramp's first second (10 clients) fits even while the warm-up client's slot is still being released.
        await using var server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0, Chat = new Server.ChatServerOptions { MaxConnections = 11 } });

        // A development server issues its own tokens: no command needed.
        var (exit, outDir) = await LoadAsync(scenario, "--server-url", server.BaseUri.ToString(), "--dev-tokens");

        var text = Out.ToString();
        Assert.True(exit == 2, text + Err);
        Assert.Matches(@"connect failures (9|10),", text);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var breaks = summary.RootElement.GetProperty("sloBreaks").EnumerateArray().ToDictionary(b => b.GetProperty("metric").GetString()!);
        var connectErrors = breaks["connect_error_fraction_max"];
        Assert.True(connectErrors.GetProperty("broke").GetBoolean());
        Assert.Equal(1, connectErrors.GetProperty("window").GetInt32()); // the second second of the ramp: clients 10-19
        // Most of that window's connects were refused: 9-10 of clients 10-19, and on a loaded runner a few of the first
        // second's clients whose start the ramp ran late land in it too, refused or not (CI once read 9 of 14).
        Assert.InRange(connectErrors.GetProperty("value").GetDouble(), 0.5, 1.0);
        Assert.InRange(connectErrors.GetProperty("connections").GetInt32(), 9, 11);
        Assert.False(breaks["connect_time_p99_ms"].GetProperty("broke").GetBoolean());
        Assert.Contains("(POST /dev/token) before the ramp", text, StringComparison.Ordinal);
        Assert.EndsWith($"--server-url {server.BaseUri} --dev-tokens", summary.RootElement.GetProperty("reproCommand").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--server-url", "http://127.0.0.1:9" }, "--server-url: needs --token-command")]
    [InlineData(new[] { "--token-command", "echo" }, "--token-command / --token-file: only with --server-url")]
    [InlineData(new[] { "--dev-tokens" }, "--dev-tokens: only with --server-url")]
    [InlineData(new[] { "--server-url", "http://127.0.0.1:9", "--dev-tokens", "--token-command", "echo" }, "--dev-tokens / --token-command / --token-file / --admin-token: give one source of tokens, not both")]
    [InlineData(new[] { "--server-url", "ws://127.0.0.1:9", "--token-command", "echo" }, "--server-url: 'ws://127.0.0.1:9' must be an absolute http or https URL")]
    [InlineData(new[] { "--toxiproxy-url", "nowhere" }, "--toxiproxy-url: 'nowhere' must be an absolute http or https URL")]
    [InlineData(new[] { "--token-file", "t.txt" }, "--token-command / --token-file: only with --server-url")]
    [InlineData(new[] { "--server-url", "http://127.0.0.1:9", "--token-file", "t.txt", "--token-command", "echo" }, "--token-command / --token-file: give one source of tokens, not both")]
    [InlineData(new[] { "--processes", "0" }, "--processes:")]
    [InlineData(new[] { "--processes", "65" }, "--processes:")]
    [InlineData(new[] { "--processes", "2", "--toxiproxy-url", "http://127.0.0.1:8474" }, "--processes: not with --toxiproxy-url")]
    [InlineData(new[] { "--external-processes", "1" }, "--external-processes:")]
    [InlineData(new[] { "--external-processes", "2", "--processes", "2" }, "--external-processes: not with --processes")]
    [InlineData(new[] { "--coordinator-listen", "0.0.0.0:7100" }, "--coordinator-listen: only with --external-processes")]
    [InlineData(new[] { "--coordinator-tls" }, "--coordinator-tls: only with --external-processes")]
    [InlineData(new[] { "--shard", "0/2" }, "--shard: a load process of a sharded run needs --server-url")]
    [InlineData(new[] { "--shard", "0/2", "--server-url", "http://127.0.0.1:9", "--dev-tokens", "--processes", "2" }, "--shard: a load process of a sharded run needs --server-url, and no --processes")]
    [InlineData(new[] { "--shard", "2/2", "--server-url", "http://127.0.0.1:9", "--dev-tokens" }, "--shard: '2/2' is not I/N")]
    public async Task Load_BadExternalTargetOptions_Exit64NamingThem(string[] options, string message)
    {
        var exit = await ChatSimApp.MainAsync(["load", "s.json", .. options], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains(message, Err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0:0", "--coordinator-listen: load processes on other machines need a server they can reach: pass --server-url")]
    [InlineData("nowhere", "--coordinator-listen: 'nowhere' must be ip:port")]
    public async Task Load_ExternalProcessesListeningWhereTheyCannotWork_Exit64(string listen, string message)
    {
        var scenario = Write("""{ "schemaVersion": 1, "name": "x" }""");

        var exit = await ChatSimApp.MainAsync(["load", scenario, "--external-processes", "2", "--coordinator-listen", listen], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains(message, Err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "load-process: usage is  chatsim load-process --coordinator")]
    [InlineData(new[] { "--coordinator", "ftp://h/" }, "--coordinator: 'ftp://h/' must be an absolute http or https URL")]
    [InlineData(new[] { "--coordinator", "http://127.0.0.1:9/", "--token-file", "a", "--token-command", "b" }, "load-process: one of --token-file and --token-command")]
    [InlineData(new[] { "--coordinator", "http://127.0.0.1:9/", "--shard", "0/2" }, "load-process: unknown argument '--shard'")]
    [InlineData(new[] { "--coordinator", "https://127.0.0.1:9/", "--coordinator-fingerprint", "AB:CD" }, "--coordinator-fingerprint: 'AB:CD' is not a SHA-256 fingerprint")]
    [InlineData(new[] { "--coordinator", "https://127.0.0.1:9/", "--coordinator-fingerprint" }, "--coordinator-fingerprint: needs a value")]
    public async Task LoadProcess_BadArguments_Exit64NamingThem(string[] args, string message)
    {
        var exit = await ChatSimApp.MainAsync(["load-process", .. args], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains(message, Err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "no tokens in it")]
    [InlineData("u1\n", ":1: expected 'user-id token', got 1 field(s)")]
    [InlineData(null, "Could not find file")]
    public async Task Load_ATokenFileThatCannotBeUsed_Exit64NamingIt(string? text, string message)
    {
        var scenario = Write("""{ "schemaVersion": 1, "name": "x" }""");
        var tokens = Path.Combine(Dir, "tokens.txt");
        if (text is not null)
        {
            File.WriteAllText(tokens, text);
        }

        var exit = await ChatSimApp.MainAsync(["load", scenario, "--server-url", "http://127.0.0.1:9", "--token-file", tokens], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("--token-file: ", Err.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, Err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(25, 15)]
    [InlineData(10, 0)]
    public void ClientsWithoutRoom_PastTheRoomsSeats_AreTheOnesThePlannerLeavesIdle(int target, int idle)
    {
        var scenario = ScenarioLoader.Parse("""{ "schemaVersion": 1, "name": "x", "workload": { "rooms": [ { "name": "r", "count": 2, "size": 5 } ] } }""").Scenario;
        var settings = LoadSettings.Resolve(scenario, 1, target);

        Assert.Equal(idle, settings.ClientsWithoutRoom);
        Assert.Equal(idle, LoadRunner.PlanFor(settings).Clients.Count(c => c.Rooms.Count == 0));
    }

    [Fact]
    public void Budget_ServerOrProxiesElsewhere_FreeThisProcesssSockets()
    {
        var scenario = ScenarioLoader.Parse("""{ "schemaVersion": 1, "name": "x" }""").Scenario;
        LoadSettings At(int target, Uri? server, Uri? toxiproxy) =>
            LoadSettings.Resolve(scenario, 1, target) with { ServerUrl = server, TokenCommand = server is null ? null : "t", ToxiproxyUrl = toxiproxy };
        var url = new Uri("http://10.0.0.1:5080/");

        Assert.Equal(4, At(1, null, null).SocketsPerClient);
        Assert.Equal(3, At(1, url, null).SocketsPerClient);
        Assert.Equal(2, At(1, null, url).SocketsPerClient);
        Assert.Equal(1, At(1, url, url).SocketsPerClient);
        Assert.Contains(At(4_751, null, null).Problems(), p => p.StartsWith("load.target / --target: 4751 clients at 4 socket(s) each", StringComparison.Ordinal));
        Assert.DoesNotContain(At(6_333, url, null).Problems(), p => p.StartsWith("load.target", StringComparison.Ordinal));
        Assert.Contains(At(6_334, url, null).Problems(), p => p.Contains("(at most 6333 clients)", StringComparison.Ordinal));
        Assert.DoesNotContain(At(19_000, url, url).Problems(), p => p.StartsWith("load.target", StringComparison.Ordinal));

        // Over several load processes the server is always elsewhere: 3 sockets per client in each, 1 in the server's.
        Assert.Contains(At(10_000, null, null).Problems(), p => p.Contains("spread the run over load processes (--processes N, 3 sockets per client in each)", StringComparison.Ordinal));
        Assert.Equal(3, (At(10_000, null, null) with { Processes = 2 }).SocketsPerClient);
        Assert.DoesNotContain((At(10_000, null, null) with { Processes = 2 }).Problems(), p => p.StartsWith("load.target", StringComparison.Ordinal));
        Assert.Contains((At(13_000, null, null) with { Processes = 2 }).Problems(), p => p.StartsWith("load.target / --target: 6500 clients per load process", StringComparison.Ordinal));
        Assert.Contains((At(19_500, null, null) with { Processes = 4 }).Problems(), p => p.StartsWith("load.target / --target: the server process holds a socket per client", StringComparison.Ordinal));
        Assert.DoesNotContain((At(19_500, url, null) with { Processes = 4 }).Problems(), p => p.StartsWith("load.target", StringComparison.Ordinal));
        Assert.Contains((At(3, null, null) with { Processes = 4 }).Problems(), p => p == "--processes: 4 load processes for 3 clients would leave some with none");
    }

    [Fact]
    public async Task Load_BadLoadSection_Exit64NamingEveryField()
    {
        var scenario = Write("""
            { "schemaVersion": 1, "name": "x", "load": { "version": 2, "rampRate": 0, "hold": "25h", "window": "100ms", "messageRatePerClient": 500 } }
            """);

        var exit = await ChatSimApp.MainAsync(["load", scenario], Out, Err);

        Assert.Equal(64, exit);
        var err = Err.ToString();
        foreach (var field in new[] { "load.version: must be 1", "load.rampRate:", "load.hold:", "load.window:", "load.messageRatePerClient:" })
        {
            Assert.Contains(field, err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Load_HarnessFaultOrTooManyClients_Exit64()
    {
        var scenario = Write("""
            { "schemaVersion": 1, "name": "x", "faults": [ { "type": "server_restart", "start": "1s" } ] }
            """);

        var exit = await ChatSimApp.MainAsync(["load", scenario, "--target", "100000"], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains("faults[0].type: load mode runs network faults only", Err.ToString(), StringComparison.Ordinal);
        Assert.Contains("load.target / --target:", Err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--ramp", "0/s")]
    [InlineData("--ramp", "fast")]
    [InlineData("--rate", "-1")]
    [InlineData("--hold", "soon")]
    [InlineData("--target", "0")]
    public async Task Load_BadOption_Exit64NamingIt(string option, string value)
    {
        var exit = await ChatSimApp.MainAsync(["load", "s.json", option, value], Out, Err);

        Assert.Equal(64, exit);
        Assert.Contains(option + ":", Err.ToString(), StringComparison.Ordinal);
    }
}
