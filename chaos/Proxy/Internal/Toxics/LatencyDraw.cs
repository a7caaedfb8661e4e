namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>Pure: the delay one chunk gets from a latency toxic.</summary>
internal static class LatencyDraw
{
    /// <summary>latency ± jitter, uniform; never negative (a chunk cannot leave before it arrived).</summary>
    public static TimeSpan Next(Random random, TimeSpan latency, TimeSpan jitter)
    {
        if (jitter <= TimeSpan.Zero)
        {
            return latency;
        }

        var offsetTicks = (long)((random.NextDouble() * 2.0 - 1.0) * jitter.Ticks);
        var delay = latency + TimeSpan.FromTicks(offsetTicks);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
