namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>A connection's two links: upstream is client to server, downstream is server to client.</summary>
internal enum LinkDirection
{
    Upstream,
    Downstream,
}
