using System.Globalization;
using ChatResilience.Client;
using ChatResilience.Client.Outbox;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Bench.Client;

/// <summary>
/// Idle <see cref="ChatClient"/>s on their default transport (a real <c>ClientWebSocket</c> over loopback
/// TCP) connected to the real server running in a child process, each joined to a room: RSS and managed heap
/// after a full compacting GC, minus the same before the first measured client, at each checkpoint count.
/// </summary>
internal static class IdleWebSocketClientsMeasurement
{
    private const string SigningKey = "client-memory-measurement-signing-key-not-a-secret";
    private const int WarmClients = 20;
    private const int Rooms = 100;
    private const int ConnectBatch = 50;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static async Task<IReadOnlyList<(int Count, MemorySnapshot Delta)>> MeasureAsync(IReadOnlyList<int> checkpoints)
    {
        await using var server = await MeasurementServerProcess.StartAsync(SigningKey);
        var issuer = new JwtTokenService(SigningKey, TimeProvider.System);
        var total = checkpoints[^1];
        var tokens = new string[total + WarmClients];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = issuer.Issue(User(i));
        }

        var clients = new List<ChatClient>(tokens.Length);
        try
        {
            // Warm clients stay connected, so JIT, pools and shared handlers sit in the baseline, not the delta.
            await ConnectRangeAsync(server.WebSocketUri, tokens, clients, 0, WarmClients);
            var before = MemorySnapshot.Take();
            var results = new List<(int, MemorySnapshot)>();
            var connected = 0;
            foreach (var checkpoint in checkpoints)
            {
                await ConnectRangeAsync(server.WebSocketUri, tokens, clients, WarmClients + connected, checkpoint - connected);
                connected = checkpoint;
                results.Add((checkpoint, MemorySnapshot.Take() - before));
                Console.Error.WriteLine($"client-memory: {checkpoint} idle WebSocket clients measured");
            }

            return results;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task ConnectRangeAsync(Uri uri, string[] tokens, List<ChatClient> clients, int first, int count)
    {
        for (var start = first; start < first + count; start += ConnectBatch)
        {
            var batch = Enumerable.Range(start, Math.Min(ConnectBatch, first + count - start)).Select(i =>
            {
                var token = tokens[i];
                var client = new ChatClient(
                    new ChatClientOptions { ServerUri = uri, ClientId = "c" + i.ToString(CultureInfo.InvariantCulture), UserId = User(i) },
                    _ => ValueTask.FromResult(token),
                    new InMemoryOutboxStore());
                clients.Add(client);
                return ConnectAndJoinAsync(client, "idle-" + (i % Rooms).ToString(CultureInfo.InvariantCulture));
            }).ToList();
            await Task.WhenAll(batch);
        }
    }

    private static async Task ConnectAndJoinAsync(ChatClient client, string room)
    {
        await client.ConnectAsync().WaitAsync(Bound);
        await client.JoinAsync(room).WaitAsync(Bound);
    }

    private static string User(int i) => "u" + i.ToString(CultureInfo.InvariantCulture);
}
