namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>A toxic's state on one link of one connection.</summary>
internal sealed class LinkToxic(ToxicSpec spec)
{
    private ToxicSpec _spec = spec;
    private volatile bool _active;
    private volatile bool _removed;

    public ToxicSpec Spec
    {
        get => Volatile.Read(ref _spec);
        set => Volatile.Write(ref _spec, value);
    }

    /// <summary>Toxicity draw for this link; false means the toxic passes data through untouched.</summary>
    public bool Active
    {
        get => _active;
        set => _active = value;
    }

    /// <summary>Set when the toxic leaves the link, so loops waiting on it (bandwidth rate 0) stop.</summary>
    public bool Removed
    {
        get => _removed;
        set => _removed = value;
    }

    /// <summary>bandwidth: time owed or credited by earlier chunks (Toxiproxy's sleep carry).</summary>
    public TimeSpan BandwidthCarry { get; set; }

    /// <summary>limit_data: bytes forwarded so far on this link.</summary>
    public long LimitDataSent { get; set; }

    /// <summary>reset_peer: the first chunk was seen and the reset is under way.</summary>
    public bool ResetPeerFired { get; set; }

    /// <summary>timeout: idle timer, re-armed by every chunk.</summary>
    public ITimer? TimeoutTimer { get; set; }

    /// <summary>timeout: when the idle timer was last armed (a <see cref="TimeProvider"/> timestamp).</summary>
    public long TimeoutArmedAt
    {
        get => Volatile.Read(ref _timeoutArmedAt);
        set => Volatile.Write(ref _timeoutArmedAt, value);
    }

    private long _timeoutArmedAt;
}
