using System.Diagnostics;
using System.Globalization;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// The server of a sharded run in its own process (<c>chatsim server</c>), so its files, memory and CPU are its own.
/// A graceful restart writes <c>stop</c> to its stdin and starts a new one; a kill is SIGKILL. Both come back on the
/// same port over the same SQLite file. Admin actions use an admin token from its /dev/token endpoint.
/// </summary>
internal sealed class ServerProcessTarget : IChatTarget
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dataDir;
    private readonly int _maxConnections;
    private readonly IReadOnlyDictionary<string, string> _bugs;
    private readonly TimeProvider _time;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly SemaphoreSlim _restartGate = new(1, 1);
    private Process _process;
    private ProcessUsage _usage;
    private double _cpuOfEarlierProcesses;
    private long _peakRss;
    private long _peakFiles;

    private ServerProcessTarget(Process process, Uri baseUri, string dataDir, int maxConnections, IReadOnlyDictionary<string, string> bugs, TimeProvider time)
    {
        _process = process;
        _usage = new ProcessUsage(process);
        BaseUri = baseUri;
        _dataDir = dataDir;
        _maxConnections = maxConnections;
        _bugs = bugs;
        _time = time;
        Upstream = $"127.0.0.1:{baseUri.Port}";
    }

    public Uri BaseUri { get; }

    public string Upstream { get; }

    public bool CanRestart => true;

    /// <summary>Peak resident memory over every incarnation, bytes.</summary>
    public long PeakRssBytes => Math.Max(_peakRss, _usage.PeakRssBytes);

    /// <summary>Peak open files over every incarnation.</summary>
    public long PeakOpenFiles => Math.Max(_peakFiles, _usage.PeakOpenFiles);

    /// <summary>CPU time of every incarnation, seconds.</summary>
    public double CpuSeconds => _cpuOfEarlierProcesses + _usage.CpuSeconds;

    public static async Task<ServerProcessTarget> StartAsync(int maxConnections, IReadOnlyDictionary<string, string> bugs, TimeProvider time, CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "chatsim-server-" + Guid.NewGuid().ToString("N")[..12]);
        var (process, baseUri) = await LaunchAsync(0, dataDir, maxConnections, bugs, time, cancellationToken);
        return new ServerProcessTarget(process, baseUri, dataDir, maxConnections, bugs, time);
    }

    /// <summary>Reads the server's resource use (the coordinator calls it once a second).</summary>
    public void Sample() => _usage.Sample();

    public async ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken) =>
        await DevTokens.IssueAsync(_http, BaseUri, userId, admin: false, cancellationToken);

    public async Task DeleteRoomAsync(string room, CancellationToken cancellationToken) =>
        await AdminApi.DeleteAsync(_http, BaseUri, AdminApi.RoomPath(room), await AdminTokenAsync(cancellationToken), cancellationToken);

    public async Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) =>
        await AdminApi.DeleteAsync(_http, BaseUri, AdminApi.MemberPath(room, userId), await AdminTokenAsync(cancellationToken), cancellationToken);

    public async Task RestartAsync(bool graceful, CancellationToken cancellationToken)
    {
        await _restartGate.WaitAsync(cancellationToken);
        try
        {
            await StopAsync(graceful);
            var (process, _) = await LaunchAsync(BaseUri.Port, _dataDir, _maxConnections, _bugs, _time, cancellationToken);
            _process = process;
            _usage = new ProcessUsage(process);
        }
        finally
        {
            _restartGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(graceful: true);
        _http.Dispose();
        _restartGate.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private async Task StopAsync(bool graceful)
    {
        _usage.Sample();
        _peakRss = Math.Max(_peakRss, _usage.PeakRssBytes);
        _peakFiles = Math.Max(_peakFiles, _usage.PeakOpenFiles);
        _cpuOfEarlierProcesses += _usage.CpuSeconds;
        _usage = new ProcessUsage(_process);
        var p = _process;
        if (!p.HasExited)
        {
            if (graceful)
            {
                try
                {
                    await p.StandardInput.WriteLineAsync("stop");
                    await p.StandardInput.FlushAsync();
                }
                catch (IOException)
                {
                    // Already gone.
                }

                try
                {
                    await p.WaitForExitAsync().WaitAsync(StopTimeout, _time);
                }
                catch (TimeoutException)
                {
                    p.Kill(entireProcessTree: true);
                }
            }
            else
            {
                p.Kill(entireProcessTree: true);
            }

            await p.WaitForExitAsync();
        }

        p.Dispose();
    }

    private async Task<string> AdminTokenAsync(CancellationToken cancellationToken) =>
        await DevTokens.IssueAsync(_http, BaseUri, ExternalChatTarget.DevAdminUser, admin: true, cancellationToken);

    private static async Task<(Process, Uri)> LaunchAsync(int port, string dataDir, int maxConnections, IReadOnlyDictionary<string, string> bugs, TimeProvider time, CancellationToken cancellationToken)
    {
        var args = new List<string> { "server", "--port", port.ToString(CultureInfo.InvariantCulture), "--data", dataDir, "--max-connections", maxConnections.ToString(CultureInfo.InvariantCulture) };
        foreach (var (name, value) in bugs)
        {
            args.AddRange(["--bug", $"{name}={value}"]);
        }

        // The port was just released by the previous incarnation; a lingering socket can hold it for a moment.
        for (var attempt = 1; ; attempt++)
        {
            var process = Process.Start(ChatSimProcess.StartInfo(args)) ?? throw new HarnessException("chatsim server did not start");
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                using var timeout = new CancellationTokenSource(ReadyTimeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
                while (await process.StandardOutput.ReadLineAsync(linked.Token) is { } line)
                {
                    if (line.StartsWith(ServerCommand.ReadyPrefix, StringComparison.Ordinal))
                    {
                        // Keep draining stdout so the child never blocks on a full pipe.
                        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                        return (process, new Uri(line[ServerCommand.ReadyPrefix.Length..].Trim()));
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new HarnessException($"chatsim server printed no ready line within {ReadyTimeout.TotalSeconds:0} s");
            }

            await process.WaitForExitAsync(cancellationToken);
            var stderr = await errors;
            process.Dispose();
            if (attempt >= 50)
            {
                throw new HarnessException($"chatsim server exited before it was ready: {stderr.Trim()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }
}
