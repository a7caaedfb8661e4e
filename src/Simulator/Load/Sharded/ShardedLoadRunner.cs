using System.Globalization;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Load.Sharded;

/// <summary>
/// A load run over several load processes (<c>chatsim load --processes N</c>), for ramps past what one process's
/// open files allow (a client costs 3 sockets in a load process whose server is elsewhere). This process coordinates:
/// it starts the server in a process of its own (unless <c>--server-url</c>), then N children
/// <c>chatsim load … --server-url URL --shard I/N</c>, each fetching its users' tokens and warming up, starts them at
/// one wall-clock instant, waits for them, and merges what they wrote (<see cref="LoadShardMerge"/>) into one result
/// for the ordinary report. The children could as well run on other machines: only the start line and the files cross.
/// </summary>
public sealed class ShardedLoadRunner
{
    private readonly LoadSettings _settings;
    private readonly string _scenarioPath;
    private readonly string _outDir;
    private readonly TextWriter _progress;
    private readonly ShardedLoadOptions _options;
    private readonly TimeProvider _time;

    public ShardedLoadRunner(LoadSettings settings, string scenarioPath, string outDir, TextWriter progress, ShardedLoadOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        if (settings.Processes < 2 || settings.Shard is not null || settings.ToxiproxyUrl is not null)
        {
            throw new ArgumentException("a sharded load run needs --processes 2 or more, and no --shard or --toxiproxy-url", nameof(settings));
        }

        _settings = settings;
        _scenarioPath = scenarioPath;
        _outDir = outDir;
        _progress = TextWriter.Synchronized(progress);
        _options = options ?? new ShardedLoadOptions();
        _time = time ?? TimeProvider.System;
    }

    // Until every process is ready: its start and JIT, its users' tokens (a minute plus 100 ms a user, as a
    // one-process run allows), its warm-up client.
    private TimeSpan ReadyBound => _options.RemoteGrace + TimeSpan.FromMinutes(2) + (TimeSpan.FromMilliseconds(100) * _settings.ClientsPerProcess) + _settings.ConnectTimeout;

    // From the start to every process's exit: as a one-process run's bound, with a minute for writing the files.
    private TimeSpan RunBound => _options.RemoteGrace + _settings.LoadDuration + _settings.DrainBound + _settings.ConnectTimeout + TimeSpan.FromMinutes(2);

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var plan = LoadRunner.PlanFor(_settings);
        var startedAt = _time.GetUtcNow();
        IAsyncDisposable? server = null;
        var children = new List<Child>();
        try
        {
            var serverUrl = _settings.ServerUrl;
            if (serverUrl is null)
            {
                var start = _options.StartServer ?? StartServerProcessAsync;
                (serverUrl, server) = await start(ShardBudget.ServerConnectionCap(_settings.Target + _settings.Processes), cancellationToken);
                await _progress.WriteLineAsync($"  server process at {serverUrl}");
            }

            var launch = _options.LaunchProcess ?? LoadProcessHandle.Start;
            for (var i = 0; i < _settings.Processes; i++)
            {
                var shard = new LoadShard(i, _settings.Processes);
                var dir = Path.Combine(_outDir, "shards", i.ToString(CultureInfo.InvariantCulture));
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true); // a result left by an earlier run must not stand for this one's
                }

                var handle = launch(ChildArguments(shard, serverUrl, dir));
                var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                children.Add(new Child(shard, dir, handle, ready, PumpAsync(shard, handle, ready)));
            }

            await _progress.WriteLineAsync($"  {children.Count} load processes fetching tokens and warming up");
            if (await WaitUntilReadyAsync(children, cancellationToken) is { } notReady)
            {
                return Failed(plan, startedAt, notReady);
            }

            var startAt = _time.GetUtcNow() + _options.StartLead;
            foreach (var c in children)
            {
                await c.Handle.Input.WriteLineAsync(ShardStartHandshake.StartLine(startAt));
                await c.Handle.Input.FlushAsync(cancellationToken);
            }

            await _progress.WriteLineAsync($"  start at {startAt:HH:mm:ss.fff} UTC");
            var all = Task.WhenAll(children.Select(c => c.Handle.Exited));
            try
            {
                await all.WaitAsync(RunBound, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return Failed(plan, startAt, $"watchdog: the load processes did not finish within {RunBound.TotalSeconds:0} s of the start");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C or SIGTERM here: each process stops as it would on its own (from a terminal they got the
                // signal too) and writes what it has, so the report covers the run so far, as a one-process run's does.
                foreach (var c in children)
                {
                    c.Handle.Stop();
                }

                try
                {
                    await all.WaitAsync(StopGrace, _time, CancellationToken.None);
                }
                catch (TimeoutException)
                {
                    return Failed(plan, startAt, null) with { Interrupted = true };
                }

                return await CollectAsync(plan, children, startAt, CancellationToken.None) with { Interrupted = true };
            }

            return await CollectAsync(plan, children, startAt, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Failed(plan, startedAt, null) with { Interrupted = true };
        }
        catch (Exception e) when (e is HarnessException or System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            // A process that cannot start, a folder that cannot be cleared, a result that cannot be read.
            return Failed(plan, startedAt, e.Message);
        }
        finally
        {
            foreach (var c in children)
            {
                if (!c.Handle.Exited.IsCompleted)
                {
                    c.Handle.Kill();
                }

                await c.Pump;
                await c.Handle.DisposeAsync();
            }

            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    // How long stopped load processes get to write what they have before they are killed.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>Reads what every process wrote and merges it; a process that wrote nothing fails the run, naming it.</summary>
    private async Task<LoadResult> CollectAsync(Workloads.WorkloadPlan plan, List<Child> children, DateTimeOffset startAt, CancellationToken cancellationToken)
    {
        var results = new List<(LoadShardResult, string)>();
        foreach (var c in children)
        {
            if (!File.Exists(Path.Combine(c.Directory, LoadShardResult.FileName)))
            {
                return Failed(plan, startAt, $"load process {c.Shard} exited with code {await c.Handle.Exited} and wrote no results{await WhyAsync(c)}");
            }

            results.Add((await LoadShardResult.ReadAsync(c.Directory, cancellationToken), c.Directory));
        }

        var merged = await LoadShardMerge.MergeAsync(plan, results, Path.GetTempPath(), cancellationToken);
        foreach (var c in children)
        {
            // Merged (tens of MB per process at 10,000 clients); shard.json, each process's connects and samples, stays.
            File.Delete(Path.Combine(c.Directory, LoadShardResult.HistoryFileName));
        }

        return merged;
    }

    /// <summary>The arguments of load process <paramref name="shard"/>: the run's resolved values, so every process plans the same run.</summary>
    private IReadOnlyList<string> ChildArguments(LoadShard shard, Uri serverUrl, string directory)
    {
        static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var s = _settings;
        List<string> args =
        [
            "load", _scenarioPath, "--seed", s.Seed.ToString(CultureInfo.InvariantCulture), "--target", s.Target.ToString(CultureInfo.InvariantCulture),
            "--ramp", D(s.RampRate), "--hold", DurationText.Format(s.Hold), "--rate", D(s.MessageRatePerClient),
            "--server-url", serverUrl.ToString(), "--shard", shard.ToString(), "--out", directory,
        ];
        // A server this run started issues development tokens; a deployment gets the run's own token source.
        args.AddRange(Cli.RunArguments.TokenSourceOptions(s.ServerUrl is null || s.DevTokens, s.TokenFile, s.TokenCommand, static v => v));
        return args;
    }

    private async Task<string?> WaitUntilReadyAsync(List<Child> children, CancellationToken cancellationToken)
    {
        var allReady = Task.WhenAll(children.Select(c => c.Ready.Task));
        var anyExit = Task.WhenAny(children.Select(c => c.Handle.Exited));
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timeout = Task.Delay(ReadyBound, _time, bound.Token);
        var first = await Task.WhenAny(allReady, anyExit, timeout);
        await bound.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        if (first == allReady)
        {
            return null;
        }

        if (first == anyExit)
        {
            var gone = children.First(c => c.Handle.Exited.IsCompleted);
            return $"load process {gone.Shard} exited with code {await gone.Handle.Exited} before it was ready{await WhyAsync(gone)}";
        }

        var late = children.Where(c => !c.Ready.Task.IsCompleted).Select(c => c.Shard.ToString());
        return $"load process(es) {string.Join(", ", late)} not ready within {ReadyBound.TotalSeconds:0} s (tokens, warm-up)";
    }

    /// <summary>Forwards a child's progress lines, prefixed with its shard, and notes its ready line.</summary>
    private async Task PumpAsync(LoadShard shard, LoadProcessHandle handle, TaskCompletionSource ready)
    {
        try
        {
            while (await handle.Output.ReadLineAsync() is { } line)
            {
                if (line == ShardStartHandshake.ReadyLine)
                {
                    ready.TrySetResult();
                }
                else
                {
                    await _progress.WriteLineAsync($"  [{shard}] {line.TrimStart()}");
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Killed: its exit says the rest.
        }
    }

    /// <summary>Why a load process ended early: the harness error it recorded, else the end of its standard error.</summary>
    private static async Task<string> WhyAsync(Child c)
    {
        if (File.Exists(Path.Combine(c.Directory, LoadShardResult.FileName)))
        {
            try
            {
                if ((await LoadShardResult.ReadAsync(c.Directory)).HarnessError is { } error)
                {
                    return ": " + error;
                }
            }
            catch (HarnessException)
            {
                // Unreadable: its standard error may say more.
            }
        }

        var errors = (await c.Handle.Errors).Trim();
        return errors.Length == 0 ? "" : ": " + (errors.Length > 500 ? "…" + errors[^500..] : errors);
    }

    private static async Task<(Uri, IAsyncDisposable)> StartServerProcessAsync(int maxConnections, CancellationToken cancellationToken)
    {
        var server = await ServerProcessTarget.StartAsync(maxConnections, new Dictionary<string, string>(), TimeProvider.System, cancellationToken);
        return (server.BaseUri, server);
    }

    private LoadResult Failed(Workloads.WorkloadPlan plan, DateTimeOffset startedAt, string? error) => new()
    {
        History = new RecordedHistory([]),
        Plan = plan,
        StartedAt = startedAt,
        LoadEndMs = (long)_settings.LoadDuration.TotalMilliseconds,
        Connects = [],
        Samples = [],
        ResourceSource = "none",
        HarnessError = error,
    };

    private sealed record Child(LoadShard Shard, string Directory, LoadProcessHandle Handle, TaskCompletionSource Ready, Task Pump);
}
