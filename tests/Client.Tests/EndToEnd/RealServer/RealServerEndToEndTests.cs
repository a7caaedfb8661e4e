using System.Collections.Concurrent;
using ChatResilience.Client.Outbox;
using ChatResilience.Client.Reconnect;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Client.Tests.EndToEnd.RealServer;

/// <summary>
/// The real client against the real server on Kestrel (127.0.0.1, port 0) over real WebSockets: the round
/// trip, a connection cut while sending, a room deleted while the sender is offline, a superseded session.
/// Bounded in time: every wait fails the test after 20 s instead of hanging.
/// </summary>
public sealed class RealServerEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly ReconnectOptions Fast = new() { DelayBase = TimeSpan.FromMilliseconds(20), DelayMax = TimeSpan.FromMilliseconds(200) };
    private ChatServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0, EnableAssistant = false });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ConnectionCutWhileSending_EveryMessageAckedOnceAndDeliveredOnceInOrder()
    {
        var senderLink = new ControllableConnectionFactory();
        await using var sender = NewClient("alice", "alice-phone", senderLink);
        await using var reader = NewClient("bob", "bob-phone", new ControllableConnectionFactory());
        var received = new ConcurrentQueue<MsgFrame>();
        var allReceived = new TaskCompletionSource();
        const int count = 40;
        reader.OnMessage += m =>
        {
            received.Enqueue(m);
            if (received.Count(x => x.ClientId == "alice-phone") == count)
            {
                allReceived.TrySetResult();
            }
        };

        await sender.ConnectAsync().WaitAsync(Bound);
        await reader.ConnectAsync().WaitAsync(Bound);
        await sender.JoinAsync("e2e-cut").WaitAsync(Bound);
        await reader.JoinAsync("e2e-cut").WaitAsync(Bound);

        var handles = new List<SendHandle>();
        for (var i = 0; i < count; i++)
        {
            if (i == 10)
            {
                await senderLink.DropCurrentAsync();
            }

            if (i == 25)
            {
                // Cut the second connection only once it exists, so both cuts hit a live connection.
                await ClientHarness.EventuallyAsync(() => senderLink.Attempts >= 2 && sender.State == ConnectionState.Connected, "the first reconnect");
                await senderLink.DropCurrentAsync();
            }

            handles.Add(await sender.SendAsync("e2e-cut", $"message {i}").WaitAsync(Bound));
        }

        var results = await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(Bound);
        await allReceived.Task.WaitAsync(Bound);

        Assert.True(senderLink.Attempts >= 3, $"the connection was cut twice, so at least 3 attempts; saw {senderLink.Attempts}");
        var fromAlice = received.Where(m => m.ClientId == "alice-phone").ToList();
        Assert.Equal(handles.Select(h => h.Id), fromAlice.Select(m => m.Id));
        Assert.Equal(fromAlice.Count, fromAlice.Select(m => m.Seq).Distinct().Count());
        Assert.Equal(results.Select(r => r.RoomSeq), fromAlice.Select(m => (long?)m.Seq));
        Assert.All(fromAlice.Zip(fromAlice.Skip(1)), p => Assert.True(p.Second.Seq > p.First.Seq));
    }

    [Fact]
    public async Task RoomDeletedWhileSenderOffline_SendFailsWithNoSuchRoom()
    {
        var link = new ControllableConnectionFactory();
        var network = new FakeNetworkStatus();
        await using var sender = NewClient("carol", "carol-phone", link, network);
        var lefts = new ConcurrentQueue<string>();
        sender.OnLeft += l => lefts.Enqueue($"{l.Room}:{l.Code}");
        await sender.ConnectAsync().WaitAsync(Bound);
        await sender.JoinAsync("e2e-doomed").WaitAsync(Bound);

        link.Online = false;
        network.Set(false);
        await link.DropCurrentAsync();
        var handle = await sender.SendAsync("e2e-doomed", "written in a tunnel").WaitAsync(Bound);
        Assert.True(await _server.Core.DeleteRoomAsync("e2e-doomed"));

        link.Online = true;
        network.Set(true);
        // Failed once in CI (acked instead of nacked) and never since: if it happens again, the message says how.
        string? acked = null;
        var outcome = await Record.ExceptionAsync(async () =>
        {
            var result = await handle.Completion.WaitAsync(Bound);
            acked = $"acked {result}; the room is now {await _server.Core.Log.GetRoomAsync("e2e-doomed")}; left events: [{string.Join(", ", lefts)}]";
        });
        Assert.True(outcome is SendFailedException, acked ?? $"failed with {outcome}");
        var failure = (SendFailedException)outcome;
        Assert.Equal(ErrorCodes.NoSuchRoom, failure.Code);
        Assert.Equal(handle.Seq, failure.Seq);
    }

    [Fact]
    public async Task SecondSessionOfSameClient_SupersedesTheFirst()
    {
        await using var first = NewClient("dave", "dave-laptop", new ControllableConnectionFactory());
        var closed = new TaskCompletionSource();
        first.OnStateChanged += s =>
        {
            if (s == ConnectionState.Closed)
            {
                closed.TrySetResult();
            }
        };
        await first.ConnectAsync().WaitAsync(Bound);

        await using var second = NewClient("dave", "dave-laptop", new ControllableConnectionFactory());
        await second.ConnectAsync().WaitAsync(Bound);

        await closed.Task.WaitAsync(Bound);
        Assert.Equal(ConnectionState.Closed, first.State);
        Assert.Equal(ConnectionState.Connected, second.State);
    }

    private ChatClient NewClient(string user, string clientId, ControllableConnectionFactory link, INetworkStatus? network = null) =>
        new(
            new ChatClientOptions { ServerUri = _server.WebSocketUri, ClientId = clientId, UserId = user, Reconnect = Fast },
            _ => ValueTask.FromResult(_server.IssueToken(user)),
            new InMemoryOutboxStore(),
            link,
            TimeProvider.System,
            new Random(7),
            network ?? new FakeNetworkStatus());
}
