using ChatResilience.Server;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// The real server in-process (Kestrel on 127.0.0.1, SQLite in a temp folder so restarts keep data). A restart
/// stops the host (gracefully: 1001 with a hint; or killed: connections dropped) and starts a new one on the
/// same port over the same database.
/// </summary>
internal sealed class EmbeddedChatTarget : IChatTarget
{
    private readonly ChatServerHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerProvider? _logs;
    private readonly string _dataDir;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly SemaphoreSlim _restartGate = new(1, 1);
    private ChatServerHost _host;

    private EmbeddedChatTarget(ChatServerHost host, ChatServerHostOptions options, TimeProvider time, ILoggerProvider? logs, string dataDir)
    {
        _host = host;
        _options = options;
        _time = time;
        _logs = logs;
        _dataDir = dataDir;
        Upstream = $"127.0.0.1:{host.BaseUri.Port}";
    }

    public string Upstream { get; }

    public bool CanRestart => true;

    /// <summary>The server's base URL (http://127.0.0.1:port), e.g. for <c>/metrics</c>.</summary>
    public Uri BaseUri => Volatile.Read(ref _host).BaseUri;

    public static async Task<EmbeddedChatTarget> StartAsync(ServerBugSwitches bugs, int clients, TimeProvider time, ILoggerProvider? logs, CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "chatsim-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDir);
        var options = HostOptions(Path.Combine(dataDir, "chat.db"), FileBudget.ServerConnectionCap(clients), bugs);
        try
        {
            var host = await ChatServerHost.StartAsync(options, time, logs, cancellationToken);
            return new EmbeddedChatTarget(host, options with { Port = host.BaseUri.Port }, time, logs, dataDir);
        }
        catch
        {
            TryDelete(dataDir);
            throw;
        }
    }

    /// <summary>The server options of a chatsim run (embedded, or the server process of a sharded run).</summary>
    /// <summary>Connections one user may hold on the embedded server (every device of a user counts). 64.</summary>
    public const int MaxConnectionsPerUser = 64;

    public static ChatServerHostOptions HostOptions(string storagePath, int maxConnections, ServerBugSwitches bugs) => new()
    {
        Port = 0,
        Chat = new ChatServerOptions
        {
            StoragePath = storagePath,
            MaxConnections = maxConnections,
            MaxConnectionsPerUser = MaxConnectionsPerUser,

            // A virtual fleet shares one machine: the per-connection budget is generous, the run's own rate limits are the scenario's.
            RateLimitPerSecond = 1000,
            RateLimitBurst = 2000,
            Bugs = bugs,
        },
    };

    public ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Volatile.Read(ref _host).IssueToken(userId, admin: false, lifetime: TimeSpan.FromHours(2)));

    public Task DeleteRoomAsync(string room, CancellationToken cancellationToken) =>
        AdminApi.DeleteAsync(_http, _host.BaseUri, AdminApi.RoomPath(room), AdminToken(), cancellationToken);

    public Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) =>
        AdminApi.DeleteAsync(_http, _host.BaseUri, AdminApi.MemberPath(room, userId), AdminToken(), cancellationToken);

    public async Task RestartAsync(bool graceful, CancellationToken cancellationToken)
    {
        await _restartGate.WaitAsync(cancellationToken);
        try
        {
            var old = _host;
            if (graceful)
            {
                await old.StopAsync(cancellationToken);
            }
            else
            {
                await old.AbortAsync();
            }

            await old.DisposeAsync();
            Volatile.Write(ref _host, await StartOnSamePortAsync(cancellationToken));
        }
        finally
        {
            _restartGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _http.Dispose();
        _restartGate.Dispose();
        TryDelete(_dataDir);
    }

    private async Task<ChatServerHost> StartOnSamePortAsync(CancellationToken cancellationToken)
    {
        // The port was just released; a lingering socket can hold it for a moment.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ChatServerHost.StartAsync(_options, _time, _logs, cancellationToken);
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
            }
        }
    }

    private string AdminToken() => _host.IssueToken("chatsim-admin", admin: true, lifetime: TimeSpan.FromHours(2));

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
