using System.Text.Json;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;
using Spectre.Console;

namespace ChatResilience.Simulator.Cli;

/// <summary>chatsim's commands: <c>run</c> and <c>validate</c>. Returns the process exit code; never throws for bad input.</summary>
public static class ChatSimApp
{
    public static async Task<int> MainAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return args.FirstOrDefault() switch
            {
                "run" => await RunAsync(CliParser.ParseRun(args[1..]), output, error, cancellationToken),
                "validate" => Validate(args[1..], output, error),
                "load" => await Load.LoadCommand.RunAsync(Load.LoadArguments.Parse(args[1..]), output, cancellationToken, Console.In),
                "compare" => Load.Compare.CompareCommand.Run(Load.Compare.CompareArguments.Parse(args[1..]), output, error),
                "load-process" => await Load.Sharded.Remote.LoadProcessClient.RunCommandAsync(args[1..], output, cancellationToken),
                "worker" => await Sharding.WorkerCli.RunAsync(args[1..], output, cancellationToken),
                "server" => await Sharding.ServerCommand.RunAsync(args[1..], output, Console.In, cancellationToken),
                "help" or "--help" or "-h" => Help(output),
                null => Usage(error, "a command is required"),
                var c => Usage(error, $"unknown command '{c}'"),
            };
        }
        catch (CliException e)
        {
            return Usage(error, e.Message);
        }
        catch (ScenarioException e)
        {
            await error.WriteLineAsync(e.Message);
            return ExitCodes.BadArguments;
        }
    }

    private static int Help(TextWriter output)
    {
        output.WriteLine(CliParser.Usage);
        output.WriteLine(Load.LoadArguments.Usage);
        return ExitCodes.Pass;
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"chatsim: {message}");
        error.WriteLine(CliParser.Usage);
        error.WriteLine(Load.LoadArguments.Usage);
        return ExitCodes.BadArguments;
    }

    private static int Validate(string[] files, TextWriter output, TextWriter error)
    {
        if (files.Length == 0)
        {
            throw new CliException("validate: at least one scenario file is required");
        }

        var bad = 0;
        foreach (var file in files)
        {
            try
            {
                var loaded = ScenarioLoader.Load(file);
                output.WriteLine($"{file}: ok ({loaded.Scenario.Name}, {loaded.Scenario.Clients.Count} clients, {DurationText.Format(loaded.Scenario.Duration)}, {loaded.Scenario.Faults.Count} faults)");
            }
            catch (ScenarioException e)
            {
                error.WriteLine(e.Message);
                bad++;
            }
        }

        return bad == 0 ? ExitCodes.Pass : ExitCodes.BadArguments;
    }

    private static async Task<int> RunAsync(RunArguments a, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var loaded = ScenarioLoader.Load(a.ScenarioPath);
        var scenario = loaded.Scenario with
        {
            Clients = a.Clients is { } n ? loaded.Scenario.Clients with { Count = n } : loaded.Scenario.Clients,
            Duration = a.Duration ?? loaded.Scenario.Duration,
        };
        ScenarioLoader.Validate(scenario, a.ScenarioPath);
        loaded = loaded with { Scenario = scenario };
        var seed = a.Seed ?? scenario.Seed;
        (Server.ServerBugSwitches Server, Client.ClientBugSwitches Client) bugs;
        try
        {
            bugs = BugSwitches.Parse(a.Bugs);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }

        var settings = new SimulationSettings
        {
            Scenario = scenario,
            Seed = seed,
            ServerUrl = a.ServerUrl,
            TokenCommand = a.TokenCommand,
            Tokens = CliParser.LoadTokenFile(a.TokenFile),
            AdminToken = a.AdminToken,
            DevTokens = a.DevTokens,
            ToxiproxyUrl = a.ToxiproxyUrl,
            ServerBugs = bugs.Server,
            ClientBugs = bugs.Client,
        };
        var shards = Sharding.ShardedRun.OptionsFor(a, scenario.Clients.Count);
        settings = settings with { Sharded = shards is not null };
        if (settings.Problems() is { Count: > 0 } problems)
        {
            throw new CliException(string.Join(Environment.NewLine, problems));
        }

        if ((long)seed + a.Seeds - 1 > int.MaxValue)
        {
            throw new CliException($"--seeds: {a.Seeds} seeds from {seed} run past the largest seed ({int.MaxValue})");
        }

        var outDir = a.OutDir ?? Path.Combine("artifacts", "chatsim", $"{scenario.Name}-{seed}");
        var runs = new List<RunOutcome>();
        var count = Math.Max(a.Repeat, a.Seeds);
        for (var i = 1; i <= count; i++)
        {
            var runSeed = a.Seeds > 1 ? seed + i - 1 : seed;
            var runDir = a.Seeds > 1 ? Path.Combine(outDir, $"seed-{runSeed}") : a.Repeat > 1 ? Path.Combine(outDir, $"run-{i}") : outDir;
            var runSettings = settings with { Seed = runSeed };
            output.WriteLine($"chatsim: {scenario.Name} seed {runSeed}, {scenario.Clients.Count} clients, {DurationText.Format(scenario.Duration)}{(count > 1 ? $" (run {i}/{count})" : "")}");
            var (result, verdict) = shards is null
                ? await RunOnceAsync(runSettings, a.Plain, output, cancellationToken)
                : await Sharding.ShardedRun.RunOnceAsync(runSettings, shards, a, runDir, output, cancellationToken);

            // Not the run's token: after Ctrl-C the partial report must still be written.
            await RunReport.WriteAsync(runDir, loaded, runSeed, result, verdict, a.RepeatCommand(runSeed), CancellationToken.None);
            PrintVerdict(output, result, verdict, runDir, a.RepeatCommand(runSeed));
            runs.Add(new RunOutcome
            {
                Seed = runSeed,
                ExitCode = verdict.ExitCode,
                Failed = [.. verdict.FailedCheckers.Concat(verdict.Slos.Where(s => !s.Passed).Select(s => "slo:" + s.Name))],
                Directory = runDir,
                RepeatCommand = a.RepeatCommand(runSeed),
            });
            if (result.Interrupted)
            {
                break;
            }
        }

        // The most telling outcome wins: a violation over a harness failure over an SLO breach over inconclusive.
        int[] severity = [ExitCodes.InvariantViolated, ExitCodes.HarnessFailure, ExitCodes.SloBreached, ExitCodes.Inconclusive];
        var exitCode = severity.FirstOrDefault(code => runs.Any(r => r.ExitCode == code), ExitCodes.Pass);
        if (count > 1)
        {
            PrintRunsSummary(output, a, seed, runs);
            var series = new RunSeries { Kind = a.Seeds > 1 ? RunSeries.SeedsKind : RunSeries.RepeatKind, Scenario = scenario.Name, ExitCode = exitCode, Runs = runs };
            Directory.CreateDirectory(outDir);
            await File.WriteAllTextAsync(Path.Combine(outDir, RunSeries.FileName), JsonSerializer.Serialize(series, ReportJsonContext.Default.RunSeries), CancellationToken.None);
        }

        return exitCode;
    }

    /// <summary>
    /// After several runs: for <c>--repeat</c> how often each failure reproduced with the one seed; for <c>--seeds</c> which
    /// seeds failed, each with what failed and the command that repeats it, then how many seeds each failure showed in.
    /// </summary>
    private static void PrintRunsSummary(TextWriter output, RunArguments a, int firstSeed, List<RunOutcome> runs)
    {
        if (a.Seeds > 1)
        {
            var failed = runs.Where(r => r.ExitCode != ExitCodes.Pass).ToList();
            output.WriteLine($"seeds: {runs.Count} run(s), seeds {firstSeed}–{runs[^1].Seed}: {runs.Count - failed.Count} passed, {failed.Count} failed");
            foreach (var r in failed)
            {
                output.WriteLine($"  seed {r.Seed}: exit {r.ExitCode}{(r.Failed.Count > 0 ? $" ({string.Join(", ", r.Failed)})" : "")}; report in {r.Directory}; repeat: {r.RepeatCommand}");
            }
        }
        else
        {
            output.WriteLine($"repeat: {runs.Count} run(s) of seed {firstSeed}, exit codes [{string.Join(", ", runs.Select(r => r.ExitCode))}]");
        }

        var unit = a.Seeds > 1 ? "seeds" : "runs";
        foreach (var (name, times) in runs.SelectMany(r => r.Failed).CountBy(name => name).OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {name}: failed in {times}/{runs.Count} {unit} ({100.0 * times / runs.Count:0}%)");
        }
    }

    private static async Task<(SimulationResult, RunVerdict)> RunOnceAsync(SimulationSettings settings, bool plain, TextWriter output, CancellationToken cancellationToken)
    {
        var interactive = !plain && !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        SimulationResult result;
        if (interactive)
        {
            var sink = new LiveProgressSink();
            result = await AnsiConsole.Live(sink.Table).StartAsync(async ctx =>
            {
                sink.Attach(ctx);
                return await new SimulationRunner(settings, sink).RunAsync(cancellationToken);
            });
        }
        else
        {
            result = await new SimulationRunner(settings, new PlainProgressSink(output, TimeSpan.FromSeconds(5))).RunAsync(cancellationToken);
        }

        return (result, RunVerdict.Judge(settings.Scenario, result));
    }

    private static void PrintVerdict(TextWriter output, SimulationResult r, RunVerdict v, string outDir, string repeatCommand)
    {
        output.WriteLine($"run: {r.EndMs / 1000.0:0.0} s, sent {r.Sent}, acked {r.Acked}, delivered {r.Delivered}, failed {r.Failed}, refused {r.Refused}, connect attempts {r.ConnectAttempts}, quiesced {r.Quiesced}, executed-fault hash {r.FaultHash}");
        foreach (var i in v.Invariants)
        {
            output.WriteLine($"  {RunVerdict.Mark(i.Status),-12} {i.Name,-26} samples {i.Samples,8} (min {i.MinSamples}){(i.Violations.Count > 0 ? $"  {i.Violations.Count} violation(s): {i.Violations[0].Message}" : "")}");
        }

        foreach (var s in v.Slos)
        {
            output.WriteLine($"  {(s.Passed ? "MET" : "BREACHED"),-12} {s.Name,-26} {s.Observed:0.###} {(s.LowerBound ? "≥" : "≤")} {s.Threshold} ({s.Samples} samples){(v.HarnessLoad.SloCaveat(s) is { } caveat ? $" — {caveat}" : "")}");
        }

        foreach (var p in v.HarnessLoad.Processes)
        {
            output.WriteLine($"  {(p.OverTolerance > 0 ? "SATURATED" : "ON TIME"),-12} {"harness: " + p.Process,-26} {p.Describe(v.HarnessLoad.ToleranceMs)}");
        }

        if (v.HarnessLoad.Warning is { } warning)
        {
            output.WriteLine($"  WARNING      {warning}");
        }

        if (r.HistorySpillError is not null)
        {
            output.WriteLine($"  WARNING      history: {r.HistorySpillError} (a long run may run out of memory; point TMPDIR at a writable disk)");
        }

        if (r.HarnessError is not null)
        {
            output.WriteLine($"  HARNESS      {r.HarnessError}");
            foreach (var s in r.StuckClients)
            {
                output.WriteLine($"    stuck: {s}");
            }
        }

        if (r.Interrupted)
        {
            output.WriteLine("  INTERRUPTED  partial report written");
        }

        output.WriteLine($"verdict: exit {v.ExitCode} — reports in {outDir}");
        if (v.ExitCode != ExitCodes.Pass)
        {
            output.WriteLine($"repeat with: {repeatCommand}");
        }
    }
}
