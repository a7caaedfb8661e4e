namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>The toxic types Toxiproxy 2.x knows.</summary>
internal enum ToxicKind
{
    Latency,
    Bandwidth,
    SlowClose,
    Timeout,
    ResetPeer,
    Slicer,
    LimitData,
    Noop,
}
