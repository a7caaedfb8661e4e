namespace ChatResilience.Chaos.Proxy;

/// <summary>A snapshot of one embedded proxy's live counters.</summary>
/// <param name="ProxyName">The proxy's name.</param>
/// <param name="ConnectionsOpen">Connections currently proxied (client and upstream both connected).</param>
/// <param name="ConnectionsAccepted">Connections proxied since the proxy was created.</param>
/// <param name="BytesUpstream">Bytes read from clients (client to server) since creation.</param>
/// <param name="BytesDownstream">Bytes read from upstream servers (server to client) since creation.</param>
public sealed record ProxyCounters(string ProxyName, long ConnectionsOpen, long ConnectionsAccepted, long BytesUpstream, long BytesDownstream);
