using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Tests.Harness;

public sealed class RunHistoryRecorderTests
{
    [Fact]
    public async Task ConcurrentRecording_SnapshotHoldsEveryEvent_EachThreadsInOrder()
    {
        const int threads = 4;
        const int perThread = 20_000;
        var recorder = new RunHistoryRecorder(TimeProvider.System);
        using var start = new Barrier(threads);

        // Every event at the same millisecond: the time sort leaves them in recording order, so a thread's events
        // coming out of order would show in the room seqs.
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                recorder.Record(Delivery($"c{t}", i));
            }
        })));

        var history = recorder.Snapshot();
        Assert.Equal(threads * perThread, recorder.Count);
        var byClient = history.Events.OfType<DeliveredEvent>().GroupBy(d => d.ClientId).ToDictionary(g => g.Key, g => g.Select(d => d.RoomSeq).ToList());
        Assert.Equal(threads, byClient.Count);
        foreach (var (_, seqs) in byClient)
        {
            Assert.Equal(Enumerable.Range(0, perThread).Select(i => (long)i), seqs);
        }
    }

    [Fact]
    public void EventsAfterASnapshot_AreInTheNext()
    {
        var recorder = new RunHistoryRecorder(TimeProvider.System);
        recorder.Record(Delivery("a", 1));
        Assert.Equal(1, recorder.Snapshot().Deliveries);

        recorder.Record(Delivery("a", 2));
        recorder.Record(Delivery("b", 1));

        var second = recorder.Snapshot();
        Assert.Equal(3, second.Deliveries);
        Assert.Equal(3, recorder.Count);
    }

    [Fact]
    public void SpillDirectoryThatCannotBeCreated_SnapshotHoldsEverything_AndTheRecorderSaysWhy()
    {
        using var dir = new History.TempDirectory();
        var notADirectory = dir.File("plain-file");
        File.WriteAllText(notADirectory, "x");
        var recorder = new RunHistoryRecorder(TimeProvider.System, Path.Combine(notADirectory, "spill"));

        // More than one spill chunk (16,384 rows), so the recorder tries to spill.
        for (var seq = 1; seq <= 20_000; seq++)
        {
            recorder.Record(Delivery("a", seq));
        }

        Assert.Null(recorder.SpillError); // learnt at the snapshot
        var history = recorder.Snapshot();

        Assert.Equal(20_000, history.Deliveries);
        Assert.Contains("kept in memory", recorder.SpillError, StringComparison.Ordinal);
        Assert.Contains(notADirectory, recorder.SpillError, StringComparison.Ordinal);
    }

    private static DeliveredEvent Delivery(string client, long seq) => new()
    {
        AtMs = 5,
        ClientId = client,
        Room = "r",
        Epoch = 1,
        RoomSeq = seq,
        MessageId = $"m{seq}",
        SenderClientId = "s",
        SenderUserId = "u",
        SenderSeq = seq,
    };
}
