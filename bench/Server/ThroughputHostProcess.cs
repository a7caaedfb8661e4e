using ChatResilience.Bench.ServerLoad;
using ChatResilience.Server;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Bench;

/// <summary>
/// The servers of <c>server-throughput --server-process</c> in a child process (this same bench executable,
/// <c>load server-throughput-host</c>): the raw echo apps and the chat server with each log, as a deployment runs a
/// server, in a process of its own with its own heap and collector, while the load generator runs in the parent. The
/// parent reads the child's CPU time around each measured stretch, so each target's server-side CPU per ack is
/// measured apart from the generator's. The child stops when its standard input closes, so it never outlives the parent.
/// </summary>
internal sealed class ThroughputHostProcess : IAsyncDisposable
{
    private const string Marker = "server-throughput-host ready ";
    private const string SigningKey = "server-throughput-host-signing-key-not-a-secret";
    private readonly BenchChildProcess _child;
    private readonly JwtTokenService _tokens = new(SigningKey, TimeProvider.System);

    private ThroughputHostProcess(BenchChildProcess child, Uri echo, Uri echo2, Uri? mem, Uri? sqlite)
    {
        _child = child;
        (EchoUri, Echo2Uri, MemUri, SqliteUri) = (echo, echo2, mem, sqlite);
    }

    public Uri EchoUri { get; }

    public Uri Echo2Uri { get; }

    /// <summary>The chat server with the in-memory log; null when not a target.</summary>
    public Uri? MemUri { get; }

    /// <summary>The chat server with the SQLite log; null when not a target.</summary>
    public Uri? SqliteUri { get; }

    /// <summary>A token both chat servers accept (they share the signing key).</summary>
    public string IssueToken(string userId) => _tokens.Issue(userId);

    /// <summary>The child's CPU time so far (user + kernel), for the server side's CPU per ack.</summary>
    public TimeSpan CpuTime() => _child.CpuTime();

    /// <summary>Starts the child with the chat options and targets of <paramref name="args"/> (the measurement's own).</summary>
    public static async Task<ThroughputHostProcess> StartAsync(IEnumerable<string> args)
    {
        var (child, ready) = await BenchChildProcess.StartAsync(["load", "server-throughput-host", .. args], Marker);
        var uris = ready.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(u => u == "-" ? null : new Uri(u)).ToArray();
        return new ThroughputHostProcess(child, uris[0]!, uris[1]!, uris[2], uris[3]);
    }

    /// <summary>The child's entry point: the servers <paramref name="chat"/> and <paramref name="targets"/> ask for, until standard input closes.</summary>
    public static async Task<int> RunChildAsync(ChatServerOptions chat, IReadOnlyCollection<string> targets)
    {
        var quiet = Microsoft.Extensions.Logging.Abstractions.NullLoggerProvider.Instance;
        var dbPath = Path.Combine(Path.GetTempPath(), $"bench-chat-{Environment.ProcessId}.db");
        await using var raw = await RawKestrelApps.StartAsync();
        await using var mem = targets.Contains("mem") ? await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0, Chat = chat, EnableAssistant = false, SigningKey = SigningKey }, loggerProvider: quiet) : null;
        await using var sqlite = targets.Contains("sqlite") ? await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0, Chat = chat with { StoragePath = dbPath }, EnableAssistant = false, SigningKey = SigningKey }, loggerProvider: quiet) : null;
        Console.WriteLine($"{Marker}{raw.EchoUri} {raw.Echo2Uri} {mem?.WebSocketUri.ToString() ?? "-"} {sqlite?.WebSocketUri.ToString() ?? "-"}");
        await Console.In.ReadToEndAsync();
        if (sqlite is not null)
        {
            await sqlite.StopAsync();
        }

        SqliteFiles.Delete(dbPath);
        return 0;
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
