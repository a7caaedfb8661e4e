using ChatResilience.Simulator.History;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.History;

public sealed class InMemoryHistoryRecorderTests
{
    [Fact]
    public void NowMs_CountsFromConstructionPlusStartOffset()
    {
        var time = new FakeTimeProvider();
        var recorder = new InMemoryHistoryRecorder(time, worker: 1, startOffset: TimeSpan.FromMilliseconds(40));

        time.Advance(TimeSpan.FromMilliseconds(1_234));

        Assert.Equal(1_274, recorder.NowMs);
    }

    [Fact]
    public void Record_StampsWorker()
    {
        var recorder = new InMemoryHistoryRecorder(new FakeTimeProvider(), worker: 3);

        recorder.Record(new LeftEvent { AtMs = 1, ClientId = "c", Room = "r", Code = "x" });

        Assert.Equal(3, Assert.Single(recorder.Snapshot().Events).Worker);
    }

    [Fact]
    public async Task Record_FromManyThreads_KeepsEveryEventInTimeOrder()
    {
        var recorder = new InMemoryHistoryRecorder(new FakeTimeProvider());
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                recorder.Record(new LeftEvent { AtMs = (i * 7 + t) % 1000, ClientId = $"c{t}", Room = "r", Code = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
        }));
        await Task.WhenAll(tasks);

        var events = recorder.Snapshot().Events;

        Assert.Equal(40_000, events.Count);
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.AtMs <= p.Second.AtMs));
        Assert.Equal(5_000, events.Count(e => ((LeftEvent)e).ClientId == "c5"));
    }
}
