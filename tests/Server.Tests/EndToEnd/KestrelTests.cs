using System.Net.WebSockets;
using System.Text.Json;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Hosting;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.EndToEnd;

/// <summary>Real Kestrel on 127.0.0.1 (port 0), real sockets, wall clock; each bounded in time.</summary>
public sealed class KestrelTests
{
    private static async Task<TestClient> ConnectAsync(ChatServerHost host, string user, string clientId, IReadOnlyList<RoomCursor>? rooms = null)
    {
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        ws.Options.SetRequestHeader("Authorization", "Bearer " + host.IssueToken(user));
        await ws.ConnectAsync(host.WebSocketUri, CancellationToken.None).WaitAsync(TestClient.Timeout);
        var c = new TestClient(new WebSocketFrameConnection(ws), Task.CompletedTask, user, clientId);
        await c.SendAsync(new HelloFrame { ClientId = clientId, Rooms = rooms });
        await c.ExpectAsync<WelcomeFrame>();
        return c;
    }

    private static long Now => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public async Task Broadcast_Replay_GracefulStop_OverRealSockets()
    {
        await using var host = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0 });
        Assert.Equal("127.0.0.1", host.BaseUri.Host);
        var readers = new List<TestClient>();
        for (var i = 0; i < 10; i++)
        {
            var r = await ConnectAsync(host, "r" + i, "cr" + i);
            await r.SendAsync(new JoinFrame { Room = "lobby" });
            await r.ExpectAsync<JoinedFrame>();
            readers.Add(r);
        }

        var sender = await ConnectAsync(host, "s", "cs");
        await sender.SendAsync(new JoinFrame { Room = "lobby" });
        await sender.ExpectAsync<JoinedFrame>();
        for (var i = 0; i < 20; i++)
        {
            await sender.SendAsync(sender.Send("lobby", "m" + i, Now));
        }

        await sender.SettledAsync(20);
        foreach (var r in readers)
        {
            for (var s = 1; s <= 20; s++)
            {
                Assert.Equal(s, (await r.ExpectAsync<MsgFrame>()).Seq);
            }
        }

        // A reader drops, messages are sent meanwhile, it resumes from its cursor.
        await readers[0].Connection.CloseAsync(1000, null);
        for (var i = 0; i < 5; i++)
        {
            await sender.SendAsync(sender.Send("lobby", "later" + i, Now));
        }

        await sender.SettledAsync(5);
        var back = await ConnectAsync(host, "r0", "cr0", [new RoomCursor { Room = "lobby", Epoch = 1, After = 20 }]);
        var joined = await back.ExpectAsync<JoinedFrame>();
        Assert.Equal((21L, 25L), (joined.From, joined.Head));
        for (var s = 21; s <= 25; s++)
        {
            Assert.Equal(s, (await back.ExpectAsync<MsgFrame>()).Seq);
        }

        await host.StopAsync();
        var (close, _) = await back.ExpectClosedAsync();
        Assert.Equal(CloseCodes.GoingAway, close.Code);
        Assert.True(JsonDocument.Parse(close.Reason!).RootElement.GetProperty("retryAfterMs").GetInt64() > 0);
    }

    [Fact]
    public async Task SqliteIndexOptions_ReachTheLog()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chat-e2e-{Guid.NewGuid():N}.db");
        try
        {
            var options = new ChatServerHostOptions { Port = 0, Chat = new ChatServerOptions { StoragePath = path, SqliteIndexBatch = 1, SqliteIndexRowsPerKey = 0 } };
            await using var host = await ChatServerHost.StartAsync(options);
            var c = await ConnectAsync(host, "u1", "c1");
            await c.SendAsync(new JoinFrame { Room = "r" });
            await c.ExpectAsync<JoinedFrame>();
            await c.SendAsync(c.Send("r", "one", Now));
            await c.SettledAsync(1);
            await c.SendAsync(c.Send("r", "two", Now));
            await c.SettledAsync(1);

            // The writer indexes the journal right after the commit that filled it, before it takes the next batch: with
            // an index batch of 1 that does not grow with the keys, "one" is indexed by the time "two" is acked (by default
            // it would wait; with rows per key left at 16, too).
            using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT j.body FROM room_index i JOIN journal j ON j.pos=i.pos WHERE i.room='r' AND i.seq=1";
            Assert.Equal("one", cmd.ExecuteScalar());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    [Fact]
    public async Task Restart_OnSameSqliteFile_KeepsAckedMessagesAndDedup()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chat-e2e-{Guid.NewGuid():N}.db");
        try
        {
            var options = new ChatServerHostOptions { Port = 0, Chat = new ChatServerOptions { StoragePath = path } };
            SendFrame first;
            await using (var host = await ChatServerHost.StartAsync(options))
            {
                var c = await ConnectAsync(host, "u1", "c1");
                await c.SendAsync(new JoinFrame { Room = "durable" });
                await c.ExpectAsync<JoinedFrame>();
                first = c.Send("durable", "one", Now);
                await c.SendAsync(first);
                await c.SendAsync(c.Send("durable", "two", Now));
                Assert.Equal(2, (await c.SettledAsync(2)).OfType<AckFrame>().Count());
                await host.AbortAsync();
            }

            await using (var host = await ChatServerHost.StartAsync(options))
            {
                var c = await ConnectAsync(host, "u1", "c1", [new RoomCursor { Room = "durable", Epoch = 1, After = 0 }]);
                var joined = await c.ExpectAsync<JoinedFrame>();
                Assert.Equal((1L, 2L), (joined.Epoch, joined.Head));
                Assert.Equal("one", (await c.ExpectAsync<MsgFrame>()).Body);
                Assert.Equal("two", (await c.ExpectAsync<MsgFrame>()).Body);
                await c.SendAsync(first);
                var dup = Assert.Single((await c.SettledAsync(1)).OfType<AckFrame>());
                Assert.Equal((true, 1L), (dup.Dup, dup.RoomSeq!.Value));
                await c.SendAsync(c.Send("durable", "three", Now, seq: 3));
                Assert.Equal(3, Assert.Single((await c.SettledAsync(1)).OfType<AckFrame>()).RoomSeq);
            }
        }
        finally
        {
            foreach (var f in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(f);
            }
        }
    }
}
