using System.Collections.Concurrent;
using System.Globalization;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Load.Sharded.Remote;

/// <summary>
/// <c>chatsim load-process --coordinator URL [--coordinator-fingerprint SHA256]</c>: one share of a sharded load run on this machine, for a coordinator
/// started with <c>--external-processes</c>. It registers, gets its share and the run's resolved arguments (the
/// scenario's text included), measures its clock's offset to the coordinator's, and runs the share exactly as a load
/// process the coordinator starts itself: <see cref="LoadCommand"/> with <c>--shard I/N</c>, its progress lines posted
/// to the coordinator, the start instant moved onto this machine's clock, its files uploaded when it is done.
/// </summary>
public sealed class LoadProcessClient
{
    /// <summary>How long registration retries while the coordinator is not listening, or its run not yet ready.</summary>
    public static readonly TimeSpan RegisterRetryFor = TimeSpan.FromMinutes(2);

    // A poll is small; an upload is a history of up to tens of MB.
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan UploadTimeout = TimeSpan.FromMinutes(10);

    private static readonly string[] TokenOptions = ["--token-file", "--token-command"];

    private readonly Uri _coordinator;
    private readonly string? _outDir;
    private readonly IReadOnlyList<string> _ownTokenOptions;
    private readonly TimeProvider _time;
    private readonly HttpMessageHandler? _handler;
    private readonly string? _secret;
    private readonly string? _fingerprint;
    private readonly string _instance = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private bool _keepFiles; // an upload failed: what it recorded stays on this machine, whatever --out said

    /// <param name="coordinator">The coordinator's API (<c>--coordinator</c>).</param>
    /// <param name="outDir">Where the share's files are written before upload; null: a temporary folder, removed after.</param>
    /// <param name="ownTokenOptions">This machine's <c>--token-file</c> / <c>--token-command</c>, replacing the coordinator's (whose paths may not exist here).</param>
    /// <param name="time">Clock of the offset probe, the polls and the run.</param>
    /// <param name="handler">HTTP handler (tests); null: a socket handler.</param>
    /// <param name="secret">The coordinator's shared secret (<see cref="CoordinatorSecret"/>); null: none.</param>
    /// <param name="fingerprint">The coordinator's certificate fingerprint (<see cref="CoordinatorTls"/>), for an HTTPS coordinator; null: none.</param>
    public LoadProcessClient(
        Uri coordinator, string? outDir = null, IReadOnlyList<string>? ownTokenOptions = null, TimeProvider? time = null, HttpMessageHandler? handler = null, string? secret = null, string? fingerprint = null)
    {
        _secret = secret;
        _fingerprint = fingerprint;
        ArgumentNullException.ThrowIfNull(coordinator);
        _coordinator = coordinator;
        _outDir = outDir;
        _ownTokenOptions = ownTokenOptions ?? [];
        _time = time ?? TimeProvider.System;
        _handler = handler;
    }

    /// <summary>Parses <c>chatsim load-process</c>'s arguments and runs it.</summary>
    public static async Task<int> RunCommandAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        Uri? coordinator = null;
        string? outDir = null;
        string? fingerprint = null;
        var tokens = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new CliException($"{a}: needs a value");
            switch (a)
            {
                case "--coordinator":
                    coordinator = CliParser.Url(a, Value(), "http", "https");
                    break;
                case "--out":
                    outDir = Value();
                    break;
                case CoordinatorTls.FingerprintOption:
                    fingerprint = CliParser.Fingerprint(a, Value());
                    break;
                case "--token-file" or "--token-command":
                    tokens.AddRange([a, Value()]);
                    break;
                default:
                    throw new CliException($"load-process: unknown argument '{a}'");
            }
        }

        if (coordinator is null)
        {
            throw new CliException("load-process: usage is  chatsim load-process --coordinator http(s)://host:port/ [--coordinator-fingerprint SHA256] [--out DIR] [--token-file PATH | --token-command CMD]");
        }

        if (tokens.Count > 2)
        {
            throw new CliException("load-process: one of --token-file and --token-command");
        }

        return await new LoadProcessClient(coordinator, outDir, tokens, secret: CoordinatorSecret.FromEnvironment(), fingerprint: fingerprint).RunAsync(output, cancellationToken);
    }

    /// <returns>The share's exit code (as a <c>chatsim load --shard</c> process's), or 4 when it could not take part.</returns>
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var http = new HttpClient(_handler ?? CoordinatorTls.Handler(_fingerprint), disposeHandler: _handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        CoordinatorSecret.Apply(http, _secret);
        int shard;
        LoadAssignment assignment;
        try
        {
            (shard, assignment) = await RegisterAsync(http, cancellationToken);
        }
        catch (HarnessException e)
        {
            await output.WriteLineAsync($"load-process: {e.Message}");
            return ExitCodes.HarnessFailure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync("load-process: interrupted before it had a share");
            return ExitCodes.HarnessFailure;
        }

        var dir = _outDir ?? Path.Combine(Path.GetTempPath(), $"chatsim-load-process-{Environment.ProcessId}-{shard}");
        try
        {
            return await RunShareAsync(http, shard, assignment, dir, output, cancellationToken);
        }
        finally
        {
            if (_outDir is null && !_keepFiles && Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private async Task<int> RunShareAsync(HttpClient http, int shard, LoadAssignment assignment, string dir, TextWriter output, CancellationToken cancellationToken)
    {
        LoadArguments arguments;
        ClockOffset offset;
        try
        {
            Directory.CreateDirectory(dir);
            var scenarioPath = Path.Combine(dir, "scenario.json");
            await File.WriteAllTextAsync(scenarioPath, assignment.ScenarioJson, cancellationToken);
            arguments = LoadArguments.Parse([scenarioPath, .. ArgumentsFor(assignment), "--out", dir]);
            offset = await MeasureOffsetAsync(http, cancellationToken);
        }
        catch (Exception e) when (e is CliException or ScenarioException or HarnessException or IOException or UnauthorizedAccessException or HttpRequestException or OperationCanceledException)
        {
            await FailAsync(http, shard, $"could not start on {Environment.MachineName}: {e.Message}", output);
            return ExitCodes.HarnessFailure;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"load-process: share {assignment.Shard} of {_coordinator}, clock offset {offset.OffsetMs:0.0} ms ± {offset.UncertaintyMs:0.0}"));

        // The share runs as a local load process would, behind lines instead of standard output and input.
        var lines = new ConcurrentQueue<string>();
        var shareOutput = new LineCallbackWriter(line =>
        {
            output.WriteLine(line);
            lines.Enqueue(line);
        });
        var shareInput = new LineChannelReader();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Task.Run(() => LoadCommand.RunAsync(arguments, shareOutput, stop.Token, shareInput), CancellationToken.None);
        var (aborted, why) = await PollUntilDoneAsync(http, shard, run, lines, shareInput, offset, stop);
        int code;
        try
        {
            code = await run;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever ended the share, the coordinator hears it now rather than finding this process lost in 30 s.
            await FailAsync(http, shard, $"failed on {Environment.MachineName}: {e.Message}", output);
            return ExitCodes.HarnessFailure;
        }

        if (aborted)
        {
            await output.WriteLineAsync($"load-process: {why}; nothing uploaded");
            return ExitCodes.HarnessFailure;
        }

        // The clock measured again: how far it drifted from the coordinator's during the share. A probe that fails leaves
        // it unmeasured and does not hold back the last lines below.
        ClockOffset? end = null;
        try
        {
            using var probeBound = new CancellationTokenSource(PollTimeout, _time);
            end = await MeasureOffsetAsync(http, probeBound.Token);
        }
        catch (Exception e) when (e is HttpRequestException or HarnessException or OperationCanceledException or System.Text.Json.JsonException)
        {
            // Shown without an end offset.
        }

        try
        {
            await PollAsync(http, shard, lines, offset, CancellationToken.None, end); // the last lines
        }
        catch (Exception e) when (e is HttpRequestException or HarnessException or OperationCanceledException or System.Text.Json.JsonException)
        {
            // Progress only; the upload below says whether the coordinator is there.
        }

        var result = Path.Combine(dir, LoadShardResult.FileName);
        if (!File.Exists(result))
        {
            await FailAsync(http, shard, $"exited with code {code} on {Environment.MachineName} and wrote no results", output);
            return code == ExitCodes.Pass ? ExitCodes.HarnessFailure : code;
        }

        try
        {
            await UploadAsync(http, $"v1/load/{shard}/history", Path.Combine(dir, LoadShardResult.HistoryFileName));
            await UploadAsync(http, string.Create(CultureInfo.InvariantCulture, $"v1/load/{shard}/result?exitCode={code}"), result);
        }
        catch (Exception e) when (e is HarnessException or HttpRequestException or IOException or OperationCanceledException)
        {
            await output.WriteLineAsync($"load-process: upload failed: {e.Message}; the files stay in {dir}");
            _keepFiles = true;
            return ExitCodes.HarnessFailure;
        }

        // Without --out the share's "results in" line named a temporary folder that goes once the upload is in.
        await output.WriteLineAsync(_outDir is null
            ? $"load-process: share {assignment.Shard} uploaded (exit {code}); its temporary folder {dir} is removed (--out DIR keeps a copy)"
            : $"load-process: share {assignment.Shard} uploaded (exit {code}); a copy stays in {dir}");
        return code;
    }

    /// <summary>The coordinator's arguments, with this machine's token option instead of the coordinator's when given.</summary>
    private IEnumerable<string> ArgumentsFor(LoadAssignment assignment)
    {
        if (_ownTokenOptions.Count == 0)
        {
            return assignment.Arguments ?? [];
        }

        var kept = new List<string>();
        var given = assignment.Arguments ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            if (TokenOptions.Contains(given[i]))
            {
                i++;
            }
            else if (given[i] != "--dev-tokens")
            {
                kept.Add(given[i]);
            }
        }

        return kept.Concat(_ownTokenOptions);
    }

    /// <summary>
    /// Posts the share's lines every <see cref="RemoteLoadProtocol.PollInterval"/> and follows the orders: the start,
    /// moved onto this clock, becomes the share's start line; stop cancels it as Ctrl-C would; abort (or a coordinator
    /// unreachable for <see cref="RemoteLoadProtocol.LostAfter"/>) cancels it and voids its results.
    /// </summary>
    private async Task<(bool Aborted, string? Why)> PollUntilDoneAsync(
        HttpClient http, int shard, Task run, ConcurrentQueue<string> lines, LineChannelReader shareInput, ClockOffset offset, CancellationTokenSource stop)
    {
        var startSent = false;
        var lastHeard = _time.GetTimestamp();
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(RemoteLoadProtocol.PollInterval, _time));
            if (run.IsCompleted)
            {
                break;
            }

            LoadOrders orders;
            try
            {
                orders = await PollAsync(http, shard, lines, offset, CancellationToken.None);
                lastHeard = _time.GetTimestamp();
            }
            catch (Exception e) when (e is HttpRequestException or HarnessException or OperationCanceledException)
            {
                if (_time.GetElapsedTime(lastHeard) > RemoteLoadProtocol.LostAfter)
                {
                    await stop.CancelAsync();
                    return (true, $"the coordinator was unreachable for {RemoteLoadProtocol.LostAfter.TotalSeconds:0} s ({e.Message})");
                }

                continue;
            }

            if (orders.Abort)
            {
                await stop.CancelAsync();
                return (true, "the coordinator ended the run without this process");
            }

            if (orders.Stop)
            {
                await stop.CancelAsync();
            }

            if (!startSent && orders.StartAtUnixMs is { } at)
            {
                // The coordinator's instant on this machine's clock: coordinator ms = local ms + offset.
                var local = DateTimeOffset.FromUnixTimeMilliseconds(at - (long)Math.Round(offset.OffsetMs));
                shareInput.Add(ShardStartHandshake.StartLine(local));
                startSent = true;
            }
        }

        return (false, null);
    }

    private async Task<LoadOrders> PollAsync(HttpClient http, int shard, ConcurrentQueue<string> lines, ClockOffset offset, CancellationToken cancellationToken, ClockOffset? end = null)
    {
        var batch = new List<string>();
        while (batch.Count < RemoteLoadProtocol.MaxLinesPerPoll && lines.TryDequeue(out var line))
        {
            batch.Add(line);
        }

        using var bound = new CancellationTokenSource(PollTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(_coordinator, $"v1/load/{shard}/poll"), new LoadPoll(batch, offset.OffsetMs, offset.UncertaintyMs, end?.OffsetMs, end?.UncertaintyMs), RemoteLoadJsonContext.Default.LoadPoll, timeout.Token);
            await ProtocolHttp.EnsureAsync(response, "poll", timeout.Token);
            return await response.Content.ReadFromJsonAsync(RemoteLoadJsonContext.Default.LoadOrders, timeout.Token) ?? throw new HarnessException("poll answered null");
        }
        catch
        {
            // Not delivered: the lines go out with the next poll (behind any newer ones; they are progress, not data).
            foreach (var line in batch)
            {
                lines.Enqueue(line);
            }

            throw;
        }
    }

    private async Task<(int Shard, LoadAssignment Assignment)> RegisterAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var assignment = await ProtocolHttp.RegisterAsync(
            http,
            new Uri(_coordinator, "v1/load/register"),
            new LoadRegisterRequest(RemoteLoadProtocol.Version, _instance, Environment.MachineName, Environment.ProcessId),
            RemoteLoadJsonContext.Default.LoadRegisterRequest,
            RemoteLoadJsonContext.Default.LoadAssignment,
            RegisterRetryFor,
            _time,
            cancellationToken);
        return LoadShard.TryParse(assignment.Shard ?? "") is { } shard
            ? (shard.Index, assignment)
            : throw new HarnessException($"registration answered share '{assignment.Shard}', which is not I/N");
    }

    /// <summary>This clock's offset to the coordinator's (<see cref="ClockSync"/>, probing <c>GET v1/load/clock</c>).</summary>
    private Task<ClockOffset> MeasureOffsetAsync(HttpClient http, CancellationToken cancellationToken) =>
        ClockSync.MeasureAsync(LocalUnixMs, async ct => (await GetAsync(http, "v1/load/clock", RemoteLoadJsonContext.Default.LoadClockReading, ct)).UnixMs, cancellationToken: cancellationToken);

    private async Task<T> GetAsync<T>(HttpClient http, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(_coordinator, path), cancellationToken);
        await ProtocolHttp.EnsureAsync(response, path, cancellationToken);
        return await response.Content.ReadFromJsonAsync(type, cancellationToken) ?? throw new HarnessException($"{path} answered null");
    }

    private async Task UploadAsync(HttpClient http, string path, string file)
    {
        using var bound = new CancellationTokenSource(UploadTimeout, _time);
        await using var stream = File.OpenRead(file);
        using var content = new StreamContent(stream, 1 << 16);
        using var response = await http.PutAsync(new Uri(_coordinator, path), content, bound.Token);
        await ProtocolHttp.EnsureAsync(response, path, bound.Token);
    }

    private async Task FailAsync(HttpClient http, int shard, string error, TextWriter output)
    {
        await output.WriteLineAsync($"load-process: {error}");
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(_coordinator, $"v1/load/{shard}/failed"), new LoadFailure(error), RemoteLoadJsonContext.Default.LoadFailure);
        }
        catch (HttpRequestException)
        {
            // The coordinator will find this process lost instead.
        }
    }

    private double LocalUnixMs() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;
}
