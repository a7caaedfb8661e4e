namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>Live counters of one proxy, bumped with Interlocked on the data path (cheap, lock-free).</summary>
internal sealed class ProxyCounterCells
{
    private long _connectionsOpen;
    private long _connectionsAccepted;
    private long _bytesUpstream;
    private long _bytesDownstream;

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsOpen);
        Interlocked.Increment(ref _connectionsAccepted);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _connectionsOpen);

    public void AddUpstreamBytes(long bytes) => Interlocked.Add(ref _bytesUpstream, bytes);

    public void AddDownstreamBytes(long bytes) => Interlocked.Add(ref _bytesDownstream, bytes);

    public ProxyCounters Snapshot(string proxyName) => new(
        proxyName,
        Interlocked.Read(ref _connectionsOpen),
        Interlocked.Read(ref _connectionsAccepted),
        Interlocked.Read(ref _bytesUpstream),
        Interlocked.Read(ref _bytesDownstream));
}
