using ChatResilience.Bench.ServerLoad;
using ChatResilience.Server;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Bench;

/// <summary>
/// The servers of server-throughput's send→ack points, in this process: the raw echo apps, and the chat server with
/// the in-memory and the SQLite log when the targets name them, both taking tokens of one signing key. Disposing stops
/// the SQLite server (its writer indexes what is left) and deletes its file.
/// </summary>
internal sealed class ThroughputServers : IThroughputTargets
{
    private const string SigningKey = "server-throughput-signing-key-not-a-secret";

    /// <summary>Tokens the chat servers accept, wherever they run (a child's parent issues them too).</summary>
    public static readonly JwtTokenService Tokens = new(SigningKey, TimeProvider.System);

    private readonly RawKestrelApps _raw;
    private readonly ChatServerHost? _mem;
    private readonly ChatServerHost? _sqlite;
    private readonly string _dbPath;

    private ThroughputServers(RawKestrelApps raw, ChatServerHost? mem, ChatServerHost? sqlite, string dbPath) =>
        (_raw, _mem, _sqlite, _dbPath) = (raw, mem, sqlite, dbPath);

    public Uri EchoUri => _raw.EchoUri;

    public Uri Echo2Uri => _raw.Echo2Uri;

    public Uri? MemUri => _mem?.WebSocketUri;

    public Uri? SqliteUri => _sqlite?.WebSocketUri;

    public Func<TimeSpan>? ServerCpu => null;

    public static async Task<ThroughputServers> StartAsync(ChatServerOptions chat, IReadOnlyCollection<string> targets)
    {
        var quiet = Microsoft.Extensions.Logging.Abstractions.NullLoggerProvider.Instance;
        var dbPath = Path.Combine(Path.GetTempPath(), $"bench-chat-{Environment.ProcessId}.db");
        var raw = await RawKestrelApps.StartAsync();
        ChatServerHost? mem = null;
        try
        {
            mem = targets.Contains("mem") ? await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0, Chat = chat, EnableAssistant = false, SigningKey = SigningKey }, loggerProvider: quiet) : null;
            var sqlite = targets.Contains("sqlite") ? await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0, Chat = chat with { StoragePath = dbPath }, EnableAssistant = false, SigningKey = SigningKey }, loggerProvider: quiet) : null;
            return new ThroughputServers(raw, mem, sqlite, dbPath);
        }
        catch
        {
            if (mem is not null)
            {
                await mem.DisposeAsync();
            }

            await raw.DisposeAsync();
            throw;
        }
    }

    public string IssueToken(string userId) => Tokens.Issue(userId);

    public async ValueTask DisposeAsync()
    {
        if (_sqlite is not null)
        {
            await _sqlite.StopAsync();
            await _sqlite.DisposeAsync();
        }

        SqliteFiles.Delete(_dbPath);
        if (_mem is not null)
        {
            await _mem.DisposeAsync();
        }

        await _raw.DisposeAsync();
    }
}
