using ChatResilience.Simulator.History;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.History;

public sealed class SpillingHistoryRecorderTests
{
    [Fact]
    public async Task Record_BeyondBuffer_SpillsToFileAndSnapshotReadsEverythingBack()
    {
        using var dir = new TempDirectory();
        var options = new SpillingHistoryRecorderOptions { Path = dir.File("spill.jsonl"), BufferEvents = 100, Worker = 2 };
        using (var recorder = new SpillingHistoryRecorder(new FakeTimeProvider(), options))
        {
            var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            {
                for (var i = 0; i < 1_000; i++)
                {
                    recorder.Record(new AckedEvent { AtMs = i, ClientId = $"c{t}", MessageId = $"m{t}-{i}", Seq = i + 1, Room = "r", RoomSeq = i });
                }
            }));
            await Task.WhenAll(tasks);

            Assert.True(recorder.SpilledEvents >= 3_900, $"only {recorder.SpilledEvents} spilled");
            var snapshot = recorder.Snapshot();

            Assert.Equal(4_000, snapshot.Events.Count);
            Assert.All(snapshot.Events, e => Assert.Equal(2, e.Worker));
            Assert.Equal(4_000, snapshot.Events.Cast<AckedEvent>().Select(a => a.MessageId).Distinct().Count());
            for (var t = 0; t < 4; t++)
            {
                // One client's events keep their recording order through the spill.
                var seqs = snapshot.Events.Cast<AckedEvent>().Where(a => a.ClientId == $"c{t}").Select(a => a.Seq).ToList();
                Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (long)i), seqs);
            }
        }

        var fromFile = await HistoryFile.ReadAsync(options.Path);
        Assert.Equal(4_000, fromFile.Events.Count);
    }

    [Fact]
    public void Options_Invalid_ListsEveryBadField()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new SpillingHistoryRecorderOptions { Path = " ", BufferEvents = 0, Worker = -1, StartOffset = TimeSpan.FromSeconds(-1) }.Validate());

        foreach (var field in new[] { "Path", "BufferEvents", "Worker", "StartOffset" })
        {
            Assert.Contains(field, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Record_AfterDispose_Throws()
    {
        using var dir = new TempDirectory();
        var recorder = new SpillingHistoryRecorder(new FakeTimeProvider(), new SpillingHistoryRecorderOptions { Path = dir.File("x.jsonl") });
        recorder.Dispose();

        Assert.Throws<ObjectDisposedException>(() => recorder.Record(new LeftEvent { ClientId = "c", Room = "r", Code = "x" }));
    }
}
