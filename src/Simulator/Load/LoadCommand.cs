using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Load.Sharded.Remote;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Load;

/// <summary><c>chatsim load</c>: resolves the ramp, runs it, writes the reports and prints the break table.</summary>
public static class LoadCommand
{
    /// <param name="a">The parsed command line.</param>
    /// <param name="output">Progress and the break table.</param>
    /// <param name="cancellationToken">Ctrl-C: a partial result.</param>
    /// <param name="input">A load process's standard input, on which its coordinator says start (<c>--shard</c> only).</param>
    /// <param name="sharding">Where a run over several load processes gets them (tests); null: child processes of this chatsim.</param>
    public static async Task<int> RunAsync(LoadArguments a, TextWriter output, CancellationToken cancellationToken = default, TextReader? input = null, ShardedLoadOptions? sharding = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(output);
        var loaded = ScenarioLoader.Load(a.ScenarioPath);
        var seed = a.Seed ?? loaded.Scenario.Seed;
        var settings = LoadSettings.Resolve(loaded.Scenario, seed, a.Target, a.RampRate, a.Hold, a.Rate) with
        {
            ServerUrl = a.ServerUrl, TokenCommand = a.TokenCommand, DevTokens = a.DevTokens, ToxiproxyUrl = a.ToxiproxyUrl,
            TokenFile = a.TokenFile, Tokens = CliParser.LoadTokenFile(a.TokenFile),
            Processes = a.Processes ?? 1, Shard = a.Shard, SafetyChecks = !a.NoChecks,
        };
        if (settings.Problems() is { Count: > 0 } problems)
        {
            throw new ScenarioException(a.ScenarioPath, problems);
        }

        var outDir = a.OutDir ?? Path.Combine("artifacts", "chatsim", $"load-{loaded.Scenario.Name}-{seed}");
        if (settings.Shard is { } shard)
        {
            return await RunShardAsync(settings, shard, outDir, output, input ?? Console.In, cancellationToken);
        }

        var repeat = a.RepeatCommand(seed);
        await output.WriteLineAsync(
            $"chatsim load: {loaded.Scenario.Name} seed {seed}: ramp to {settings.Target} connections at {settings.RampRate}/s ({settings.Ramp.Duration.TotalSeconds:0.#} s), hold {DurationText.Format(settings.Hold)}, {settings.MessageRatePerClient} msg/s per client; server {settings.ServerUnderTest}, proxies {settings.ToxiproxyUrl?.ToString() ?? LoadSummary.Embedded}{(settings.Processes > 1 ? $"; {settings.Processes} load processes" : "")}");
        if (settings.ClientsWithoutRoom > 0)
        {
            await output.WriteLineAsync(
                $"  note: the rooms seat {settings.Target - settings.ClientsWithoutRoom} clients, so {settings.ClientsWithoutRoom} of {settings.Target} connect and stay idle (no room, no sends); raise workload.rooms[].count to give them rooms");
        }

        var result = !a.ExternalProcesses
            ? settings.Processes > 1
                ? await new ShardedLoadRunner(settings, a.ScenarioPath, outDir, output, sharding).RunAsync(cancellationToken)
                : await new LoadRunner(settings, output).RunAsync(cancellationToken)
            : await RunWithExternalProcessesAsync(a, settings, outDir, output, sharding, cancellationToken);
        var windows = LoadReport.Windows(settings, result);
        var summary = LoadReport.Summarize(settings, loaded, result, windows, repeat, GitRevision.Current());
        await LoadReportWriter.WriteAllAsync(outDir, summary, new LoadSeries { Samples = result.Samples, Windows = windows, Connects = result.Connects }, result.History, CancellationToken.None);
        Print(output, summary, outDir);
        return summary.ExitCode;
    }

    /// <summary>
    /// A sharded run whose load processes are started elsewhere (<c>--external-processes N</c>): the coordinator's API
    /// takes their registrations, and each stands in the runner for a process this one would have started.
    /// </summary>
    private static async Task<LoadResult> RunWithExternalProcessesAsync(
        LoadArguments a, LoadSettings settings, string outDir, TextWriter output, ShardedLoadOptions? sharding, CancellationToken cancellationToken)
    {
        var (listen, port) = Sharding.ShardedRun.ParseListen(a.CoordinatorListen);
        if (settings.ServerUrl is null && !System.Net.IPAddress.IsLoopback(listen))
        {
            // The server process this run would start listens on loopback, out of other machines' reach.
            throw new CliException("--coordinator-listen: load processes on other machines need a server they can reach: pass --server-url");
        }

        var progress = TextWriter.Synchronized(output);
        using var processes = new RemoteLoadProcesses(settings.Processes, TimeProvider.System, progress);
        var secret = Sharding.CoordinatorSecret.FromEnvironment();
        using var certificate = Sharding.CoordinatorTls.CertificateFor(listen, a.CoordinatorTls, TimeProvider.System.GetUtcNow(), a.CoordinatorCertificate);
        await using var api = await LoadCoordinatorApi.StartAsync(processes, listen, port, cancellationToken, secret, certificate);
        if (Sharding.CoordinatorSecret.OpenWarning(listen, secret) is { } open)
        {
            await progress.WriteLineAsync(open);
        }

        await progress.WriteLineAsync($"  waiting for {settings.Processes} load processes: start each with  chatsim load-process {api.JoinArguments}");
        var options = (sharding ?? new ShardedLoadOptions()) with
        {
            LaunchProcess = processes.Launch,
            RemoteGrace = ExternalGrace,
            StartLead = TimeSpan.FromSeconds(3), // a poll away, over a network
        };
        var result = await new ShardedLoadRunner(settings, a.ScenarioPath, outDir, progress, options).RunAsync(cancellationToken) with { ProcessClocks = processes.Clocks() };
        // Polls come every half second; the bound is for a busy machine, and only a process that stopped polling without
        // being found lost yet can make the run wait it out.
        await processes.TellTheAbortedAsync(TimeSpan.FromSeconds(10));
        return result;
    }

    /// <summary>What a run with external load processes allows beyond a local run's bounds: to start them by hand, and for their uploads.</summary>
    private static readonly TimeSpan ExternalGrace = TimeSpan.FromMinutes(10);

    /// <summary>One load process of a sharded run: its share of the ramp from the coordinator's start, raw results into <paramref name="outDir"/>.</summary>
    private static async Task<int> RunShardAsync(LoadSettings settings, LoadShard shard, string outDir, TextWriter output, TextReader input, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"load process {shard}: {shard.ClientsOf(settings.Target)} of {settings.Target} clients against {settings.ServerUrl}");
        var result = await new LoadRunner(settings, output, handshake: new ShardStartHandshake(output, input)).RunAsync(cancellationToken);
        await LoadShardResult.WriteAsync(outDir, shard, result, CancellationToken.None);
        await output.WriteLineAsync($"load process {shard}: results in {outDir}{(result.HarnessError is null ? "" : $" (harness: {result.HarnessError})")}");
        return result.HarnessError is null && !result.Interrupted ? ExitCodes.Pass : ExitCodes.HarnessFailure;
    }

    private static void Print(TextWriter o, LoadSummary s, string outDir)
    {
        static string P(LatencyPercentiles p) => p.Count == 0 ? "none" : $"p50 {p.P50} p90 {p.P90} p99 {p.P99} p99.9 {p.P999} max {p.Max} ms (n={p.Count})";
        o.WriteLine($"load: peak {s.PeakConnections} connections, connect failures {s.ConnectFailures}, errors {s.Errors}, sends skipped before join {s.SendsSkippedNotJoined}");
        o.WriteLine($"  connect time      {P(s.ConnectTime)}");
        o.WriteLine($"  delivery latency  {P(s.DeliveryLatency)}");
        o.WriteLine($"  hold msg/s        sent {s.HoldRates.SentPerSecond:0.#}, acked {s.HoldRates.AckedPerSecond:0.#}, delivered {s.HoldRates.DeliveredPerSecond:0.#}");
        o.WriteLine($"  server            cpu mean {s.Server.CpuPercentMean:0.#}% max {s.Server.CpuPercentMax:0.#}%, memory max {s.Server.MemoryBytesMax / 1048576:0} MB — {s.Server.Source}");
        if (s.Server.SchedulingLagMsMax is { } lagMax)
        {
            o.WriteLine($"  server lag        scheduling lag mean {s.Server.SchedulingLagMsMean:0.#} ms, worst second {lagMax:0.#} ms (its own once-a-second tick, chat_server_scheduling_lag_seconds)");
        }
        o.WriteLine($"  safety checkers   {(s.Invariants.Count == 0 ? "skipped (--no-checks)" : string.Join(", ", s.Invariants.Select(i => $"{i.Name} {RunVerdict.Mark(i.Status)} ({i.Samples})")))}");
        foreach (var i in s.Invariants.Where(i => i.Status == InvariantStatus.Failed && i.Violations.Count > 0))
        {
            o.WriteLine($"    FAIL    {i.Name}: {i.ViolationCount} violation(s), first: {i.Violations[0].Message}");
        }

        o.WriteLine("  SLO break table:");
        foreach (var b in s.SloBreaks)
        {
            o.WriteLine($"    {(b.Broke ? "BROKE" : b.WindowsJudged == 0 ? "NO DATA" : "HELD"),-7} {b.Metric,-26} {(b.LowerBound ? "≥" : "≤")} {b.Threshold,-8} {b.Describe()}");
        }

        foreach (var c in s.ProcessClocks ?? [])
        {
            o.WriteLine($"  clock             {c.Describe()}");
        }

        foreach (var p in s.HarnessLoad?.Processes ?? [])
        {
            o.WriteLine($"  harness           {(s.LoadProcesses > 1 ? p.Process + ": " : "")}{p.Describe(s.HarnessLoad!.ToleranceMs)}");
        }

        if (s.HarnessLoad?.Warning is { } warning)
        {
            o.WriteLine($"  WARNING  {warning}");
        }

        if (s.HarnessError is not null)
        {
            o.WriteLine($"  HARNESS  {s.HarnessError}");
        }

        o.WriteLine($"verdict: exit {s.ExitCode} — reports in {outDir}");
        if (s.ExitCode != ExitCodes.Pass)
        {
            o.WriteLine($"repeat with: {s.ReproCommand}");
        }
    }
}
