using System.Diagnostics;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.EndToEnd;

/// <summary>The server as a child process, killed with SIGKILL right after acks, restarted on the same SQLite file.</summary>
public sealed class CrashRestartTests
{
    private static async Task<(Process Process, int Port)> StartChildAsync(string dbPath) =>
        await ServerChildProcess.StartAsync("--Port", "0", "--Chat:StoragePath", dbPath);

    private static Task<TestClient> ConnectAsync(int port, IReadOnlyList<RoomCursor>? rooms = null) =>
        ServerChildProcess.ConnectAsync(port, "crash-user", "crash-client", rooms);

    [Fact]
    public async Task Sigkill_RightAfterAcks_RestartKeepsEveryAckedMessage()
    {
        var db = Path.Combine(Path.GetTempPath(), $"chat-crash-{Guid.NewGuid():N}.db");
        Process? child = null;
        try
        {
            (child, var port) = await StartChildAsync(db);
            var c = await ConnectAsync(port);
            await c.SendAsync(new JoinFrame { Room = "crash" });
            await c.ExpectAsync<JoinedFrame>();
            var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < 50; i++)
            {
                await c.SendAsync(c.Send("crash", "m" + i, now));
            }

            var acks = (await c.SettledAsync(50)).OfType<AckFrame>().ToList();
            Assert.Equal(50, acks.Count);
            child.Kill(); // SIGKILL: no flush, no close frames
            await child.WaitForExitAsync().WaitAsync(TestClient.Timeout);

            (child, port) = await StartChildAsync(db);
            var back = await ConnectAsync(port, [new RoomCursor { Room = "crash", Epoch = 1, After = 0 }]);
            var joined = await back.ExpectAsync<JoinedFrame>();
            Assert.Equal((1L, 50L), (joined.Epoch, joined.Head));
            var bodies = new List<string>();
            while (bodies.Count < 50)
            {
                bodies.Add((await back.ExpectAsync<MsgFrame>()).Body);
            }

            Assert.Equal(Enumerable.Range(0, 50).Select(i => "m" + i), bodies);
            await back.SendAsync(back.Send("crash", "m49", now, seq: 50, id: "crash-client-50"));
            var dup = Assert.Single((await back.SettledAsync(1)).OfType<AckFrame>());
            Assert.Equal((true, 50L), (dup.Dup, dup.RoomSeq!.Value));
        }
        finally
        {
            if (child is { HasExited: false })
            {
                child.Kill();
                await child.WaitForExitAsync();
            }

            foreach (var f in new[] { db, db + "-wal", db + "-shm" })
            {
                File.Delete(f);
            }
        }
    }
}
