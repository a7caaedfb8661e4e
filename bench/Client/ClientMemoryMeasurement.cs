using System.Globalization;
using System.Text;
using ChatResilience.Client;
using ChatResilience.Client.Outbox;
using ChatResilience.Client.Transport;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Bench.Client;

/// <summary>
/// "client-memory": RSS (and managed heap) after a full compacting GC, minus the baseline, over N items:
/// <c>websocket</c> = idle clients on real WebSockets to the real server in a child process (the number the
/// ≤ 32 KB target is about); <c>in-memory</c> = idle clients on in-memory connections to a responder that
/// never reads (the client alone); <c>outbox</c> = messages queued while offline in each store. Each kind
/// runs in its own process invocation so one measurement's freed memory does not hide in the next's baseline.
/// </summary>
public static class ClientMemoryMeasurement
{
    private static readonly string[] Kinds = ["websocket", "in-memory", "outbox"];

    public static async Task<int> RunAsync(string[] args)
    {
        var kind = args.Length > 0 ? args[0] : "websocket";
        if (!Kinds.Contains(kind))
        {
            await Console.Error.WriteLineAsync($"usage: load client-memory <{string.Join('|', Kinds)}> [clients=2000] [messages=20000] [append-to-file]");
            return 64;
        }

        var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
        var messages = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
        var output = args.Length > 3 ? args[3] : null;
        var loadBefore = LoadAverage();
        var rows = new StringBuilder();
        switch (kind)
        {
            case "websocket":
                foreach (var (count, delta) in await IdleWebSocketClientsMeasurement.MeasureAsync([clients / 2, clients]))
                {
                    rows.AppendLine(Row("idle client, real WebSocket to the server in another process, joined to a room", count, delta));
                }

                break;
            case "in-memory":
                rows.AppendLine(Row("idle client, in-memory connection (no WebSocket), heartbeat timer armed", clients, await MeasureIdleClientsAsync(clients)));
                break;
            default:
                rows.AppendLine(Row("queued outbox message, InMemoryOutboxStore (120-char body)", messages, await MeasureOutboxAsync(messages, null)));
                rows.AppendLine(Row("queued outbox message, SqliteOutboxStore (120-char body)", messages, await MeasureSqliteOutboxAsync(messages)));
                break;
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"### client-memory {kind} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average before {loadBefore}, after {LoadAverage()})");
        report.AppendLine();
        report.AppendLine("| measurement | count | RSS delta | RSS per item | managed heap per item |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        report.Append(rows);
        Console.WriteLine(report);
        if (output is not null)
        {
            await File.AppendAllTextAsync(output, report + Environment.NewLine);
        }

        return 0;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string Row(string what, int count, MemorySnapshot delta) =>
        string.Create(CultureInfo.InvariantCulture, $"| {what} | {count} | {delta.Rss / 1024.0 / 1024.0:F1} MiB | {delta.Rss / (double)count / 1024.0:F2} KiB | {delta.Heap / (double)count / 1024.0:F2} KiB |");

    private static async Task<MemorySnapshot> MeasureSqliteOutboxAsync(int count)
    {
        var path = Path.Combine(Path.GetTempPath(), $"client-memory-{Guid.NewGuid():N}.db");
        try
        {
            return await MeasureOutboxAsync(count, path);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            SqliteFiles.Delete(path);
        }
    }

    private static async Task<MemorySnapshot> MeasureIdleClientsAsync(int count)
    {
        var factory = new WelcomingFactory();

        // Warm up every code path once so JIT and static data are in the baseline, not the delta.
        await using (var warm = NewClient(factory, "warm"))
        {
            await warm.ConnectAsync();
        }

        var before = MemorySnapshot.Take();
        var list = new List<ChatClient>(count);
        for (var i = 0; i < count; i++)
        {
            var client = NewClient(factory, "c" + i.ToString(CultureInfo.InvariantCulture));
            await client.ConnectAsync();
            list.Add(client);
        }

        var after = MemorySnapshot.Take();
        GC.KeepAlive(list);
        foreach (var client in list)
        {
            await client.DisposeAsync();
        }

        return after - before;
    }

    private static async Task<MemorySnapshot> MeasureOutboxAsync(int count, string? sqlitePath)
    {
        IOutboxStore store = sqlitePath is null ? new InMemoryOutboxStore() : SqliteOutboxStore.Open(new SqliteOutboxOptions { Path = sqlitePath });
        var factory = new WelcomingFactory();
        var client = new ChatClient(Options("queue"), _ => ValueTask.FromResult("t"), store, factory, TimeProvider.System, new Random(1));
        await client.SendAsync("room", "warm up");
        var before = MemorySnapshot.Take();
        var body = new string('x', 120);
        for (var i = 0; i < count; i++)
        {
            await client.SendAsync("room", body);
        }

        var after = MemorySnapshot.Take();
        await client.DisposeAsync();
        await store.DisposeAsync();
        return after - before;
    }

    private static ChatClientOptions Options(string id) => new()
    {
        ServerUri = new Uri("ws://memory/ws"),
        ClientId = id,
        OutboxCapacity = 1_000_000,
    };

    private static ChatClient NewClient(IFrameConnectionFactory factory, string id) =>
        new(Options(id), _ => ValueTask.FromResult("t"), new InMemoryOutboxStore(), factory, TimeProvider.System, new Random(id.GetHashCode(StringComparison.Ordinal)));

    /// <summary>Answers every connection with a pre-encoded welcome and never reads.</summary>
    private sealed class WelcomingFactory : IFrameConnectionFactory
    {
        private readonly byte[] _welcome = FrameCodec.EncodeToArray(new WelcomeFrame
        {
            SessionId = "s",
            UserId = "u",
            ServerTime = 1_764_000_000_000,
            HeartbeatMs = 300_000,
            MaxFrameBytes = FrameLimits.DefaultMaxFrameBytes,
            MaxBodyBytes = FrameLimits.DefaultMaxBodyBytes,
            MaxInFlight = 64,
            HistoryMaxLimit = 500,
        });

        public async Task<IFrameConnection> ConnectAsync(Uri uri, string? bearerToken, CancellationToken cancellationToken)
        {
            var (client, server) = InMemoryFrameConnection.CreatePair(capacity: 16);
            await server.SendAsync(WireMessage.Text(_welcome), cancellationToken);
            return client;
        }
    }
}
