using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Core;
using ChatResilience.Server.Processing;
using ChatResilience.Server.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Server.Tests.Support;

/// <summary>A core on a fake clock with an in-memory (or given) log, and clients over in-memory connections.</summary>
internal sealed class CoreHarness : IAsyncDisposable
{
    public CoreHarness(ChatServerOptions? options = null, IMessageLog? log = null, IMessageProcessor? processor = null, FakeTimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Log = log ?? new InMemoryMessageLog();
        Core = new ChatServerCore(options ?? new ChatServerOptions(), Log, new FakeTokenValidator(), Time, loggerFactory, processor: processor);
        Core.StartAsync().GetAwaiter().GetResult();
    }

    public FakeTimeProvider Time { get; }

    public IMessageLog Log { get; }

    public ChatServerCore Core { get; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Opens a connection without saying anything; <paramref name="wrapServer"/> may wrap the server's side (to watch it).</summary>
    public TestClient Open(string user = "u1", string clientId = "c1", int capacity = 1024, Func<IFrameConnection, IFrameConnection>? wrapServer = null)
    {
        var (client, server) = InMemoryFrameConnection.CreatePair(capacity);
        var run = Core.RunConnectionAsync(wrapServer is null ? server : wrapServer(server));
        return new TestClient(client, run, user, clientId);
    }

    /// <summary>Opens, says hello and reads the welcome.</summary>
    public async Task<(TestClient Client, WelcomeFrame Welcome)> ConnectAsync(string user = "u1", string clientId = "c1", IReadOnlyList<RoomCursor>? rooms = null, int capacity = 1024, Func<IFrameConnection, IFrameConnection>? wrapServer = null)
    {
        var c = Open(user, clientId, capacity, wrapServer);
        await c.SendAsync(new HelloFrame { ClientId = clientId, Token = "ok:" + user, Rooms = rooms });
        var welcome = await c.ExpectAsync<WelcomeFrame>();
        return (c, welcome);
    }

    /// <summary>Connects and joins <paramref name="room"/>, reading joined and the replay.</summary>
    public async Task<(TestClient Client, JoinedFrame Joined)> JoinedAsync(string room, string user = "u1", string clientId = "c1", Func<IFrameConnection, IFrameConnection>? wrapServer = null)
    {
        var (c, _) = await ConnectAsync(user, clientId, wrapServer: wrapServer);
        await c.SendAsync(new JoinFrame { Room = room });
        var joined = await c.ExpectAsync<JoinedFrame>();
        for (var s = joined.From; s <= joined.Head; s++)
        {
            await c.ExpectAsync<MsgFrame>();
        }

        return (c, joined);
    }

    /// <summary>A member of <paramref name="room"/> that is not subscribed to it (joined in an earlier session).</summary>
    public async Task<TestClient> SenderAsync(string room, string user = "a", string clientId = "ca")
    {
        var (first, _) = await JoinedAsync(room, user, clientId);
        await first.DisposeAsync();
        var (c, _) = await ConnectAsync(user, clientId);
        return c;
    }

    public async ValueTask DisposeAsync()
    {
        // Shutdown timeouts run on the fake clock: move it along until the stop completes (bounded).
        var stop = Core.ShutdownAsync();
        for (var i = 0; i < 200 && !stop.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(stop, Task.Delay(10));
        }

        await stop.WaitAsync(TimeSpan.FromSeconds(5));
        await Log.DisposeAsync();
    }
}
