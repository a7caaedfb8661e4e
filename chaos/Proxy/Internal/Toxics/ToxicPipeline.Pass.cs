namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

internal sealed partial class ToxicPipeline
{
    private async ValueTask PassAsync(LinkToxic[] toxics, int index, ReadOnlyMemory<byte> data, long due, CancellationToken cancellationToken)
    {
        for (var i = index; i < toxics.Length; i++)
        {
            var toxic = toxics[i];
            if (!toxic.Active || toxic.Removed)
            {
                continue;
            }

            var spec = toxic.Spec;
            switch (spec.Kind)
            {
                case ToxicKind.Latency:
                    due = AddToTimestamp(due, DrawLatency(spec));
                    break;

                case ToxicKind.Timeout:
                    await WaitUntilAsync(due, cancellationToken);
                    RearmTimeout(toxic);
                    return; // dropped

                case ToxicKind.ResetPeer:
                    await WaitUntilAsync(due, cancellationToken);
                    if (!toxic.ResetPeerFired)
                    {
                        toxic.ResetPeerFired = true;
                        await DelayAsync(spec.Milliseconds("timeout"), cancellationToken);
                        host.CloseConnection("reset_peer");
                    }

                    return; // dropped

                case ToxicKind.LimitData:
                    var limit = spec.Attribute("bytes");
                    var remaining = limit - toxic.LimitDataSent;
                    if (remaining <= 0)
                    {
                        host.CloseConnection("limit_data");
                        return;
                    }

                    if (data.Length < remaining)
                    {
                        toxic.LimitDataSent += data.Length;
                        break;
                    }

                    toxic.LimitDataSent = limit;
                    await PassAsync(toxics, i + 1, data[..(int)remaining], due, cancellationToken);
                    host.CloseConnection("limit_data");
                    return;

                case ToxicKind.Bandwidth:
                    await WaitUntilAsync(due, cancellationToken);
                    await PaceAsync(toxics, i, toxic, data, cancellationToken);
                    return;

                case ToxicKind.Slicer:
                    await WaitUntilAsync(due, cancellationToken);
                    await SliceAsync(toxics, i, spec, data, cancellationToken);
                    return;

                case ToxicKind.SlowClose:
                case ToxicKind.Noop:
                default:
                    break;
            }
        }

        await WaitUntilAsync(due, cancellationToken);
        if (!data.IsEmpty)
        {
            await host.WriteAsync(data, cancellationToken);
        }
    }

    /// <summary>Toxiproxy's bandwidth algorithm: a carried sleep debt, big chunks in 100 ms slices.</summary>
    private async ValueTask PaceAsync(LinkToxic[] toxics, int i, LinkToxic toxic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var rate = toxic.Spec.Attribute("rate");
        while (rate <= 0)
        {
            // rate 0 stalls with the connection open; re-check so a live update or removal releases the data.
            if (Released(toxic))
            {
                await PassAsync(toxics, i + 1, data, timeProvider.GetTimestamp(), cancellationToken);
                return;
            }

            await DelayAsync(BandwidthPacing.SliceInterval, cancellationToken);
            rate = toxic.Spec.Attribute("rate");
        }

        toxic.BandwidthCarry += BandwidthPacing.TransmitTime(data.Length, rate);
        var slice = BandwidthPacing.SliceBytes(rate);
        while (data.Length > slice)
        {
            await DelayAsync(BandwidthPacing.SliceInterval, cancellationToken);
            if (Released(toxic))
            {
                break;
            }

            await PassAsync(toxics, i + 1, data[..(int)slice], timeProvider.GetTimestamp(), cancellationToken);
            data = data[(int)slice..];
            toxic.BandwidthCarry -= BandwidthPacing.SliceInterval;
        }

        // The remaining debt is waited in slices too, so a removal is noticed within one slice.
        // Counted down by the steps asked for, not by the clock: a sub-millisecond delay may complete at once, and
        // the loop must still end.
        var start = timeProvider.GetTimestamp();
        var remaining = toxic.BandwidthCarry;
        while (!Released(toxic) && remaining > TimeSpan.Zero)
        {
            var step = remaining < BandwidthPacing.SliceInterval ? remaining : BandwidthPacing.SliceInterval;
            await DelayAsync(step, cancellationToken);
            remaining -= step;
        }

        // Timers overshoot; subtracting the real elapsed time credits the next chunk (as Toxiproxy does).
        toxic.BandwidthCarry = Released(toxic) ? TimeSpan.Zero : toxic.BandwidthCarry - timeProvider.GetElapsedTime(start);
        await PassAsync(toxics, i + 1, data, timeProvider.GetTimestamp(), cancellationToken);
    }

    // Toxiproxy's bandwidth toxic hands the rest of a chunk on at once when it is interrupted (removed or disabled):
    // a device behind a removed 2 KB/s toxic must not keep trickling a backlog it already has.
    private static bool Released(LinkToxic toxic) => toxic.Removed || !toxic.Active;

    private async ValueTask SliceAsync(LinkToxic[] toxics, int i, ToxicSpec spec, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        List<int> offsets;
        lock (_sync)
        {
            offsets = SlicerPlan.Offsets(random, data.Length, (int)spec.Attribute("average_size"), (int)spec.Attribute("size_variation"));
        }

        // Each piece is due `delay` after the previous one was due, not after it was written. On time the two are
        // the same. A process too busy to wake on time sends the pieces that came due meanwhile at once, each still
        // its own write, so the link keeps the slicer's rate instead of losing a scheduling round trip per piece:
        // with thousands of sliced links in one busy process that loss backed links up by seconds, starving
        // heartbeats behind them. Sub-millisecond delays add up the same way instead of rounding to nothing.
        var delay = TimeSpan.FromTicks(spec.Attribute("delay") * 10); // microseconds
        var due = timeProvider.GetTimestamp();
        for (var k = 1; k < offsets.Count; k++)
        {
            await PassAsync(toxics, i + 1, data[offsets[k - 1]..offsets[k]], timeProvider.GetTimestamp(), cancellationToken);
            due = AddToTimestamp(due, delay);
            await WaitUntilAsync(due, cancellationToken);
        }
    }

    private TimeSpan DrawLatency(ToxicSpec spec)
    {
        lock (_sync)
        {
            return LatencyDraw.Next(random, spec.Milliseconds("latency"), spec.Milliseconds("jitter"));
        }
    }

    private long AddToTimestamp(long timestamp, TimeSpan delay) =>
        timestamp + (long)(delay.Ticks * ((double)timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond));

    /// <summary>
    /// Waits until the clock reaches <paramref name="due"/>. System timers work in whole milliseconds and can
    /// fire up to a tick early, so the wait is rounded up and repeated until the due time has really passed:
    /// latency is never early.
    /// </summary>
    private async ValueTask WaitUntilAsync(long due, CancellationToken cancellationToken)
    {
        var remaining = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), due);
        while (remaining > TimeSpan.Zero)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), timeProvider, cancellationToken);
            remaining = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), due);
        }
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, timeProvider, cancellationToken) : Task.CompletedTask;
}
