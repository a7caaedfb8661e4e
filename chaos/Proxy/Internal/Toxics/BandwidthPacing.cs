namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>Pure arithmetic of the bandwidth toxic (rate in KB/s, 1 KB = 1000 B).</summary>
internal static class BandwidthPacing
{
    /// <summary>Toxiproxy cuts large chunks into slices sent every 100 ms.</summary>
    public static readonly TimeSpan SliceInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Time the bytes take at the rate: 1 KB/s is 1 byte per millisecond.</summary>
    public static TimeSpan TransmitTime(long bytes, long rateKBps) =>
        rateKBps <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(bytes * TimeSpan.TicksPerMillisecond / rateKBps);

    /// <summary>Bytes one 100 ms slice carries at the rate.</summary>
    public static long SliceBytes(long rateKBps) => rateKBps * 100;
}
