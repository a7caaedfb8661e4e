using System.Text;
using ChatResilience.Chaos.Proxy.Internal;
using ChatResilience.Chaos.Proxy.Internal.Toxics;
using ChatResilience.Chaos.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Chaos.Tests.Proxy.Toxics;

/// <summary>
/// Toxic logic on a fake clock. Bodies run inside Task.Run (no synchronisation context), so a timer fired
/// by Advance resumes the pipeline inline: after Advance returns, everything due has happened.
/// </summary>
public class ToxicPipelineTests
{
    private static readonly byte[] Chunk = Encoding.ASCII.GetBytes("0123456789");

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static (FakeTimeProvider Time, RecordingLinkHost Host, ToxicPipeline Pipeline) Create(int seed = 1)
    {
        var time = new FakeTimeProvider();
        var host = new RecordingLinkHost(time);
        return (time, host, new ToxicPipeline(time, new Random(seed), host));
    }

    [Fact]
    public Task Latency_ReleasesChunkAtReadTimePlusLatency_NotBefore() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Latency(100)]);
        var processing = pipeline.ProcessAsync(Chunk, time.GetTimestamp(), CancellationToken.None).AsTask();
        time.Advance(Ms(99));
        Assert.Empty(host.Writes);
        time.Advance(Ms(1));
        await processing.WithinLimit();
        Assert.Equal(Ms(100), Assert.Single(host.Writes).At);
    });

    [Fact]
    public Task Latency_IsPipelined_EachChunkLeavesAtItsOwnReadTimePlusLatency() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Latency(100)]);
        var firstRead = time.GetTimestamp();
        time.Advance(Ms(30));
        var secondRead = time.GetTimestamp();
        var first = pipeline.ProcessAsync("a"u8.ToArray(), firstRead, CancellationToken.None).AsTask();
        time.Advance(Ms(70)); // t = 100
        await first.WithinLimit();
        var second = pipeline.ProcessAsync("b"u8.ToArray(), secondRead, CancellationToken.None).AsTask();
        time.Advance(Ms(30)); // t = 130
        await second.WithinLimit();
        Assert.Equal([Ms(100), Ms(130)], host.Writes.Select(w => w.At));
        Assert.Equal("ab", string.Concat(host.Writes.Select(w => Encoding.ASCII.GetString(w.Data))));
    });

    [Fact]
    public Task Latency_SeveralToxicsAddUp() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Latency(100, name: "a"), Specs.Latency(50, name: "b")]);
        var processing = pipeline.ProcessAsync(Chunk, time.GetTimestamp(), CancellationToken.None).AsTask();
        time.Advance(Ms(149));
        Assert.Empty(host.Writes);
        time.Advance(Ms(1));
        await processing.WithinLimit();
        Assert.Equal(Ms(150), Assert.Single(host.Writes).At);
    });

    [Fact]
    public Task Bandwidth_PacesToRate_InHundredMillisecondSlices() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Bandwidth(10)]); // 10 KB/s: 1000 bytes per 100 ms slice
        var processing = pipeline.ProcessAsync(new byte[2500], time.GetTimestamp(), CancellationToken.None).AsTask();
        for (var i = 0; i < 25; i++)
        {
            time.Advance(Ms(10));
        }

        await processing.WithinLimit();
        Assert.Equal([Ms(100), Ms(200), Ms(250)], host.Writes.Select(w => w.At));
        Assert.Equal([1000, 1000, 500], host.Writes.Select(w => w.Data.Length));
    });

    [Fact]
    public Task Bandwidth_SmallChunks_AreSpacedByTheirTransmitTime() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Bandwidth(100)]); // 100 KB/s = 100 bytes per ms: 1000 bytes take 10 ms
        for (var i = 0; i < 3; i++)
        {
            var processing = pipeline.ProcessAsync(new byte[1000], time.GetTimestamp(), CancellationToken.None).AsTask();
            time.Advance(Ms(10));
            await processing.WithinLimit();
        }

        Assert.Equal([Ms(10), Ms(20), Ms(30)], host.Writes.Select(w => w.At));
    });

    [Fact]
    public Task Bandwidth_RateZero_StallsUntilUpdated() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        var stalled = Specs.Bandwidth(0, name: "bw");
        pipeline.Reconcile([stalled]);
        var processing = pipeline.ProcessAsync(Chunk, time.GetTimestamp(), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(host.Writes);
        Assert.Empty(host.Closes);
        pipeline.Reconcile([Specs.Bandwidth(1000, name: "bw")]);
        time.Advance(Ms(100));
        await processing.WithinLimit();
        Assert.Single(host.Writes);
    });

    [Fact]
    public Task Bandwidth_Removed_HandsTheRestOfAPacedChunkOnAtOnce() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Bandwidth(10, name: "bw")]); // 1000 bytes per 100 ms slice: 5000 bytes take 500 ms
        var processing = pipeline.ProcessAsync(new byte[5000], time.GetTimestamp(), CancellationToken.None).AsTask();
        time.Advance(Ms(100));
        time.Advance(Ms(100));
        Assert.Equal(2000, host.Writes.Sum(w => w.Data.Length));
        pipeline.Reconcile([]);
        time.Advance(Ms(100)); // the slice in progress notices the removal when it ends
        await processing.WithinLimit();
        Assert.Equal(5000, host.Writes.Sum(w => w.Data.Length));
        Assert.Equal(Ms(300), host.Writes[^1].At);
    });

    [Fact]
    public Task Timeout_DropsData_AndClosesAfterIdle_ReArmedByEachChunk() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Timeout(100)]);
        time.Advance(Ms(80));
        await pipeline.ProcessAsync(Chunk, time.GetTimestamp(), CancellationToken.None).AsTask().WithinLimit();
        time.Advance(Ms(80)); // t = 160: would have fired at 100 without the re-arm
        Assert.Empty(host.Closes);
        time.Advance(Ms(20)); // t = 180 = 80 + 100
        Assert.Equal(Ms(180), Assert.Single(host.Closes).At);
        Assert.Empty(host.Writes);
    });

    [Fact]
    public void Timeout_ATimerThatFiresATickEarly_ClosesOnlyOnceTheIdleTimeHasReallyPassed()
    {
        var fake = new FakeTimeProvider();
        var time = new EarlyTimers(fake);
        var host = new RecordingLinkHost(fake);
        var pipeline = new ToxicPipeline(time, new Random(1), host);

        pipeline.Reconcile([Specs.Timeout(200)]);
        fake.Advance(Ms(199)); // the system timer fired 1 ms early
        Assert.Empty(host.Closes);
        fake.Advance(Ms(1));

        Assert.Equal(Ms(200), Assert.Single(host.Closes).At);
    }

    /// <summary>A clock whose timers fire 1 ms before they are due, as system timers can (whole-millisecond ticks).</summary>
    private sealed class EarlyTimers(FakeTimeProvider fake) : TimeProvider
    {
        public override long TimestampFrequency => fake.TimestampFrequency;

        public override long GetTimestamp() => fake.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new EarlyTimer(fake.CreateTimer(callback, state, Early(dueTime), period));

        private static TimeSpan Early(TimeSpan due) => due > Ms(1) ? due - Ms(1) : due;

        private sealed class EarlyTimer(ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(Early(dueTime), period);

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    [Fact]
    public void Timeout_Zero_BlackholesForeverWithoutClosing()
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Timeout(0)]);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(host.Closes);
    }

    [Fact]
    public void Timeout_Removed_ClosesTheConnection()
    {
        var (_, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Timeout(0)]);
        pipeline.Reconcile([]);
        Assert.Single(host.Closes);
        Assert.True(pipeline.IsEmpty);
    }

    [Fact]
    public Task LimitData_TruncatesTheCrossingChunk_ThenCloses() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.LimitData(15)]);
        await pipeline.ProcessAsync(Chunk, time.GetTimestamp(), CancellationToken.None).AsTask().WithinLimit();
        Assert.Empty(host.Closes);
        await pipeline.ProcessAsync(Chunk, time.GetTimestamp(), CancellationToken.None).AsTask().WithinLimit();
        Assert.Equal([10, 5], host.Writes.Select(w => w.Data.Length));
        Assert.Single(host.Closes);
    });

    [Fact]
    public Task Slicer_SplitsIntoPiecesWrittenDelayApart() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Slicer(2, 0, 1000)]); // 2-byte pieces, 1 ms apart
        var processing = pipeline.ProcessAsync(new byte[8], time.GetTimestamp(), CancellationToken.None).AsTask();
        for (var i = 0; i < 4; i++)
        {
            time.Advance(Ms(1));
        }

        await processing.WithinLimit();
        Assert.Equal([2, 2, 2, 2], host.Writes.Select(w => w.Data.Length));
        Assert.Equal([Ms(0), Ms(1), Ms(2), Ms(3)], host.Writes.Select(w => w.At));
    });

    [Fact]
    public Task Slicer_AWaitThatEndsLate_SendsThePiecesDueMeanwhileAtOnce_EachItsOwnWrite() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Slicer(2, 0, 1000)]); // 16 bytes: eight 2-byte pieces, due 1 ms apart
        var processing = pipeline.ProcessAsync(new byte[16], time.GetTimestamp(), CancellationToken.None).AsTask();

        time.Advance(Ms(3.5)); // a busy process: the first 1 ms wait ends at 3.5 ms
        Assert.Equal([Ms(0), Ms(3.5), Ms(3.5), Ms(3.5)], host.Writes.Select(w => w.At));
        for (var i = 0; i < 5; i++)
        {
            time.Advance(Ms(1));
        }

        await processing.WithinLimit();
        // Then one a millisecond again (whole-millisecond timers: on the half), not 3.5 ms behind for the rest of the chunk.
        Assert.Equal([Ms(0), Ms(3.5), Ms(3.5), Ms(3.5), Ms(4.5), Ms(5.5), Ms(6.5), Ms(7.5)], host.Writes.Select(w => w.At));
        Assert.All(host.Writes, w => Assert.Equal(2, w.Data.Length));
    });

    [Fact]
    public Task Slicer_SubMillisecondDelays_AddUp_NeverEarly() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Slicer(2, 0, 400)]); // 2-byte pieces, 0.4 ms apart: due at 0, 0.4, 0.8, 1.2
        var processing = pipeline.ProcessAsync(new byte[8], time.GetTimestamp(), CancellationToken.None).AsTask();

        for (var i = 0; i < 2; i++)
        {
            time.Advance(Ms(1));
        }

        await processing.WithinLimit();
        // System timers tick in whole milliseconds: the pieces due at 0.4 and 0.8 ms leave at 1 ms, the one due at 1.2 at 2.
        Assert.Equal([Ms(0), Ms(1), Ms(1), Ms(2)], host.Writes.Select(w => w.At));
    });

    [Fact]
    public Task ResetPeer_DropsFirstChunk_WaitsTimeout_ThenCloses() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.ResetPeer(50)]);
        var processing = pipeline.ProcessAsync(Chunk, time.GetTimestamp(), CancellationToken.None).AsTask();
        time.Advance(Ms(49));
        Assert.Empty(host.Closes);
        time.Advance(Ms(1));
        await processing.WithinLimit();
        Assert.Equal(Ms(50), Assert.Single(host.Closes).At);
        Assert.Empty(host.Writes);
    });

    [Fact]
    public void SlowClose_ReportsItsDelay()
    {
        var (_, _, pipeline) = Create();
        Assert.Equal(TimeSpan.Zero, pipeline.SlowCloseDelay());
        pipeline.Reconcile([Specs.SlowClose(300)]);
        Assert.Equal(Ms(300), pipeline.SlowCloseDelay());
    }

    [Fact]
    public Task Toxicity_Zero_PassesDataUntouched() => Task.Run(async () =>
    {
        var (time, host, pipeline) = Create();
        pipeline.Reconcile([Specs.Make(ToxicKind.Latency, "l", 0.0, LinkDirection.Downstream, 1000, 0)]);
        await pipeline.ProcessAsync(Chunk, time.GetTimestamp(), CancellationToken.None).AsTask().WithinLimit();
        Assert.Equal(TimeSpan.Zero, Assert.Single(host.Writes).At);
    });

    [Fact]
    public void Toxicity_DrawsAreReproducibleForASeed()
    {
        // A timeout toxic closes its connection on removal only where it was drawn active: observable.
        static string Draws(int seed)
        {
            var draws = new StringBuilder();
            for (var connection = 0; connection < 200; connection++)
            {
                var time = new FakeTimeProvider();
                var host = new RecordingLinkHost(time);
                var pipeline = new ToxicPipeline(time, new Random(StableSeed.Compute(seed, "p", connection)), host);
                pipeline.Reconcile([Specs.Make(ToxicKind.Timeout, "t", 0.5, LinkDirection.Downstream, 0)]);
                pipeline.Reconcile([]);
                draws.Append(host.Closes.Count);
            }

            return draws.ToString();
        }

        var first = Draws(42);
        Assert.Equal(first, Draws(42));
        Assert.NotEqual(first, Draws(43));
        Assert.InRange(first.Count(c => c == '1'), 60, 140);
    }
}
