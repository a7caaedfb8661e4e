using System.Diagnostics;
using ChatResilience.Client.Outbox;

namespace ChatResilience.Client.Tests.Outbox;

/// <summary>A child process appending to a SQLite outbox is killed with SIGKILL; whatever it was told is durable must be there.</summary>
public sealed class SqliteOutboxCrashTests
{
    [Fact]
    public async Task KilledMidAppend_KeepsEverythingReportedDurable_AndNeverReusesASeq()
    {
        var path = Path.Combine(Path.GetTempPath(), $"outbox-crash-{Guid.NewGuid():N}.db");
        var appended = new Dictionary<long, string>();
        var settled = new HashSet<long>();
        var settling = new HashSet<long>();
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
            start.ArgumentList.Add("outbox-crash-child");
            start.ArgumentList.Add(path);
            using var child = Process.Start(start)!;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (appended.Count < 500 && DateTime.UtcNow < deadline)
            {
                var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
                if (line is null)
                {
                    Assert.Fail("child exited early: " + await child.StandardError.ReadToEndAsync());
                }

                Record(line!, appended, settled, settling);
            }

            // Process.Kill is SIGKILL on Unix: no finally blocks, no flush, no SQLite close.
            child.Kill();
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            while (await child.StandardOutput.ReadLineAsync() is { } rest)
            {
                Record(rest, appended, settled, settling);
            }

            Assert.True(appended.Count >= 100, $"child reported only {appended.Count} appends");
            await using var store = SqliteOutboxStore.Open(new SqliteOutboxOptions { Path = path });
            var snapshot = await store.LoadAsync();
            var held = snapshot.Entries.ToDictionary(e => e.Seq, e => e.Id);
            foreach (var (seq, id) in appended)
            {
                if (settled.Contains(seq))
                {
                    Assert.False(held.ContainsKey(seq), $"settled seq {seq} came back");
                }
                else if (settling.Contains(seq))
                {
                    // Killed during its settle: either outcome is correct, but never another id.
                    Assert.True(!held.TryGetValue(seq, out var maybe) || maybe == id);
                }
                else
                {
                    Assert.True(held.TryGetValue(seq, out var storedId), $"durable seq {seq} lost");
                    Assert.Equal(id, storedId);
                }
            }

            var highest = Math.Max(appended.Keys.Max(), held.Count > 0 ? held.Keys.Max() : 0);
            Assert.True(snapshot.NextSeq > highest);
            Assert.True((await store.AppendAsync(new OutboxDraft("after", "room", "b", null, 0, 0), int.MaxValue)).Seq > highest);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    private static void Record(string line, Dictionary<long, string> appended, HashSet<long> settled, HashSet<long> settling)
    {
        var parts = line.Split(' ');

        // The trailing "." proves the line was not cut off by the kill.
        if (parts is ["A", var seq, var id, "."])
        {
            appended[long.Parse(seq, System.Globalization.CultureInfo.InvariantCulture)] = id;
        }
        else if (parts is ["P", var p, "."])
        {
            settling.Add(long.Parse(p, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (parts is ["S", var s, "."])
        {
            settled.Add(long.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
