using System.Collections.Immutable;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Tests.Support;

/// <summary>Builds toxic specs for pipeline tests.</summary>
internal static class Specs
{
    public static ToxicSpec Make(ToxicKind kind, string? name = null, double toxicity = 1.0, LinkDirection stream = LinkDirection.Downstream, params long[] attributes) =>
        new(name ?? kind.ToString(), kind, stream, toxicity, attributes.ToImmutableArray());

    public static ToxicSpec Latency(long ms, long jitterMs = 0, string? name = null) => Make(ToxicKind.Latency, name, 1.0, LinkDirection.Downstream, ms, jitterMs);

    public static ToxicSpec Bandwidth(long rate, string? name = null) => Make(ToxicKind.Bandwidth, name, 1.0, LinkDirection.Downstream, rate);

    public static ToxicSpec Timeout(long ms, string? name = null) => Make(ToxicKind.Timeout, name, 1.0, LinkDirection.Downstream, ms);

    public static ToxicSpec LimitData(long bytes) => Make(ToxicKind.LimitData, null, 1.0, LinkDirection.Downstream, bytes);

    public static ToxicSpec Slicer(long average, long variation, long delayUs) => Make(ToxicKind.Slicer, null, 1.0, LinkDirection.Downstream, average, variation, delayUs);

    public static ToxicSpec ResetPeer(long ms) => Make(ToxicKind.ResetPeer, null, 1.0, LinkDirection.Downstream, ms);

    public static ToxicSpec SlowClose(long ms) => Make(ToxicKind.SlowClose, null, 1.0, LinkDirection.Downstream, ms);
}
