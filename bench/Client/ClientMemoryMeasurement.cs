using System.Diagnostics;
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
/// "client-memory": RSS (and managed heap) after a full GC, minus the baseline, over N idle connected
/// clients, and per queued outbox message. Clients connect over in-memory connections to a responder that
/// writes <c>welcome</c> straight into the client's inbound queue and never reads, so nothing but the
/// client (and its end of the pipe) is measured; no WebSocket buffers are included.
/// </summary>
public static class ClientMemoryMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var messages = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        var output = args.Length > 2 ? args[2] : null;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## client-memory ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version})");
        report.AppendLine();
        report.AppendLine("| measurement | count | RSS delta | RSS per item | managed heap per item |");
        report.AppendLine("|---|---:|---:|---:|---:|");

        var idle = await MeasureIdleClientsAsync(clients);
        report.AppendLine(Row("idle connected client (in-memory connection, heartbeat timer armed)", clients, idle));
        var memory = await MeasureOutboxAsync(messages, null);
        report.AppendLine(Row("queued outbox message, InMemoryOutboxStore (120-char body)", messages, memory));
        var path = Path.Combine(Path.GetTempPath(), $"client-memory-{Guid.NewGuid():N}.db");
        try
        {
            var sqlite = await MeasureOutboxAsync(messages, path);
            report.AppendLine(Row("queued outbox message, SqliteOutboxStore (120-char body)", messages, sqlite));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }

        Console.WriteLine(report);
        if (output is not null)
        {
            await File.AppendAllTextAsync(output, report + Environment.NewLine);
        }

        return 0;
    }

    private static string Row(string what, int count, (long Rss, long Heap) delta) =>
        string.Create(CultureInfo.InvariantCulture, $"| {what} | {count} | {delta.Rss / 1024.0 / 1024.0:F1} MiB | {delta.Rss / (double)count / 1024.0:F2} KiB | {delta.Heap / (double)count / 1024.0:F2} KiB |");

    private static (long Rss, long Heap) Snapshot()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true));
    }

    private static async Task<(long Rss, long Heap)> MeasureIdleClientsAsync(int count)
    {
        var factory = new WelcomingFactory();

        // Warm up every code path once so JIT and static data are in the baseline, not the delta.
        await using (var warm = NewClient(factory, "warm"))
        {
            await warm.ConnectAsync();
        }

        var before = Snapshot();
        var list = new List<ChatClient>(count);
        for (var i = 0; i < count; i++)
        {
            var client = NewClient(factory, "c" + i.ToString(CultureInfo.InvariantCulture));
            await client.ConnectAsync();
            list.Add(client);
        }

        var after = Snapshot();
        GC.KeepAlive(list);
        foreach (var client in list)
        {
            await client.DisposeAsync();
        }

        return (after.Rss - before.Rss, after.Heap - before.Heap);
    }

    private static async Task<(long Rss, long Heap)> MeasureOutboxAsync(int count, string? sqlitePath)
    {
        IOutboxStore store = sqlitePath is null ? new InMemoryOutboxStore() : SqliteOutboxStore.Open(new SqliteOutboxOptions { Path = sqlitePath });
        var factory = new WelcomingFactory();
        var client = new ChatClient(Options("queue"), _ => ValueTask.FromResult("t"), store, factory, TimeProvider.System, new Random(1));
        await client.SendAsync("room", "warm up");
        var before = Snapshot();
        var body = new string('x', 120);
        for (var i = 0; i < count; i++)
        {
            await client.SendAsync("room", body);
        }

        var after = Snapshot();
        await client.DisposeAsync();
        await store.DisposeAsync();
        return (after.Rss - before.Rss, after.Heap - before.Heap);
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
