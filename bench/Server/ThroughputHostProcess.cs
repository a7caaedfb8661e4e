using ChatResilience.Server;

namespace ChatResilience.Bench;

/// <summary>
/// The servers of <c>server-throughput --server-process</c> (<see cref="ThroughputServers"/>) in a child process (this
/// same bench executable, <c>load server-throughput-host</c>), as a deployment runs a server: in a process of its own
/// with its own heap and collector, while the load generator runs in the parent. The parent reads the child's CPU time
/// around each measured stretch, so each target's server-side CPU per ack is measured apart from the generator's. The
/// child stops when its standard input closes, so it never outlives the parent.
/// </summary>
internal sealed class ThroughputHostProcess : IThroughputTargets
{
    private const string Marker = "server-throughput-host ready ";
    private readonly BenchChildProcess _child;

    private ThroughputHostProcess(BenchChildProcess child, Uri echo, Uri echo2, Uri? mem, Uri? sqlite)
    {
        _child = child;
        (EchoUri, Echo2Uri, MemUri, SqliteUri) = (echo, echo2, mem, sqlite);
    }

    public Uri EchoUri { get; }

    public Uri Echo2Uri { get; }

    public Uri? MemUri { get; }

    public Uri? SqliteUri { get; }

    /// <summary>The child's CPU time so far (user + kernel), for the server side's CPU per ack.</summary>
    public Func<TimeSpan>? ServerCpu => _child.CpuTime;

    public string IssueToken(string userId) => ThroughputServers.Tokens.Issue(userId);

    /// <summary>Starts the child with the chat options and targets of <paramref name="args"/> (the measurement's own).</summary>
    public static async Task<ThroughputHostProcess> StartAsync(IEnumerable<string> args)
    {
        var (child, ready) = await BenchChildProcess.StartAsync(["load", "server-throughput-host", .. args], Marker, stopWait: TimeSpan.FromSeconds(60));
        var uris = ready.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(u => u == "-" ? null : new Uri(u)).ToArray();
        return new ThroughputHostProcess(child, uris[0]!, uris[1]!, uris[2], uris[3]);
    }

    /// <summary>The child's entry point: the servers <paramref name="chat"/> and <paramref name="targets"/> ask for, until standard input closes.</summary>
    public static async Task<int> RunChildAsync(ChatServerOptions chat, IReadOnlyCollection<string> targets)
    {
        await using var servers = await ThroughputServers.StartAsync(chat, targets);
        Console.WriteLine($"{Marker}{servers.EchoUri} {servers.Echo2Uri} {servers.MemUri?.ToString() ?? "-"} {servers.SqliteUri?.ToString() ?? "-"}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
