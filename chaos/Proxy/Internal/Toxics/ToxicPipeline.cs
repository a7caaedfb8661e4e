namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>
/// The toxics of one link of one connection, and how a chunk passes through them. Socket-free: it talks to
/// an <see cref="IToxicLinkHost"/> and schedules every wait on the injected <see cref="TimeProvider"/>, so
/// the whole toxic logic runs on a fake clock in tests.
/// </summary>
/// <remarks>
/// Chunks are processed one at a time, in order. Latency does not wait in place: it pushes the chunk's due
/// time (read time + delay) forward, and the wait happens once, before the next toxic that acts in real
/// time or before the write. Because the reader keeps reading while the processor waits, chunks overlap in
/// flight and each leaves at its own read time + latency (pipelined), with order kept.
/// </remarks>
internal sealed partial class ToxicPipeline(TimeProvider timeProvider, Random random, IToxicLinkHost host)
{
    private readonly Lock _sync = new();
    private LinkToxic[] _toxics = [];
    private bool _shutdown;

    /// <summary>True when no toxic is on the link: the socket shell may use its plain copy loop.</summary>
    public bool IsEmpty => Volatile.Read(ref _toxics).Length == 0;

    /// <summary>
    /// Brings the link's toxics in line with the proxy's (for this direction, in order). New toxics start
    /// (toxicity drawn, timers armed), updated ones restart (toxicity redrawn), removed ones stop.
    /// </summary>
    public void Reconcile(IReadOnlyList<ToxicSpec> specs)
    {
        List<LinkToxic> stopped = [];
        lock (_sync)
        {
            if (_shutdown)
            {
                return;
            }

            var current = _toxics;
            var next = new LinkToxic[specs.Count];
            for (var i = 0; i < specs.Count; i++)
            {
                var spec = specs[i];
                var existing = Array.Find(current, t => t.Spec.Name == spec.Name);
                if (existing is null)
                {
                    existing = new LinkToxic(spec);
                    Start(existing);
                }
                else if (!ReferenceEquals(existing.Spec, spec))
                {
                    Restart(existing, spec);
                }

                next[i] = existing;
            }

            foreach (var toxic in current)
            {
                if (Array.IndexOf(next, toxic) < 0)
                {
                    stopped.Add(toxic);
                }
            }

            Volatile.Write(ref _toxics, next);
        }

        foreach (var toxic in stopped)
        {
            Stop(toxic);
            // Toxiproxy's timeout toxic closes its connections when it is removed.
            if (toxic.Spec.Kind == ToxicKind.Timeout && toxic.Active)
            {
                host.CloseConnection("timeout toxic removed");
            }
        }
    }

    /// <summary>Stops every timer; called once when the connection is gone.</summary>
    public void Shutdown()
    {
        LinkToxic[] toxics;
        lock (_sync)
        {
            _shutdown = true;
            toxics = _toxics;
        }

        foreach (var toxic in toxics)
        {
            Stop(toxic);
        }
    }

    /// <summary>How long closing the destination is postponed after the source closed (slow_close).</summary>
    public TimeSpan SlowCloseDelay()
    {
        var delay = TimeSpan.Zero;
        foreach (var toxic in Volatile.Read(ref _toxics))
        {
            if (toxic.Active && toxic.Spec.Kind == ToxicKind.SlowClose)
            {
                var d = toxic.Spec.Milliseconds("delay");
                delay = d > delay ? d : delay;
            }
        }

        return delay;
    }

    /// <summary>Passes one chunk read at <paramref name="readTimestamp"/> through the toxics, in order.</summary>
    public ValueTask ProcessAsync(ReadOnlyMemory<byte> data, long readTimestamp, CancellationToken cancellationToken) =>
        PassAsync(Volatile.Read(ref _toxics), 0, data, readTimestamp, cancellationToken);

    private void Start(LinkToxic toxic)
    {
        var spec = toxic.Spec;
        toxic.Active = ToxicityDraw.IsActive(random, spec.Toxicity);
        if (spec.Kind == ToxicKind.Timeout && toxic.Active)
        {
            var timeout = spec.Milliseconds("timeout");
            if (timeout > TimeSpan.Zero)
            {
                toxic.TimeoutArmedAt = timeProvider.GetTimestamp();
                toxic.TimeoutTimer = timeProvider.CreateTimer(
                    static state => ((TimeoutExpiry)state!).Fire(),
                    new TimeoutExpiry(this, toxic),
                    timeout,
                    Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>timeout: a chunk arrived, so the idle time starts again.</summary>
    private void RearmTimeout(LinkToxic toxic)
    {
        toxic.TimeoutArmedAt = timeProvider.GetTimestamp();
        toxic.TimeoutTimer?.Change(toxic.Spec.Milliseconds("timeout"), Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The idle timer fired. System timers count whole milliseconds and can fire up to a tick early, so the idle
    /// time is checked against the clock and, if short, waited out (rounded up): like latency, never early.
    /// </summary>
    private void OnTimeoutFired(LinkToxic toxic)
    {
        var remaining = toxic.Spec.Milliseconds("timeout") - timeProvider.GetElapsedTime(toxic.TimeoutArmedAt);
        if (remaining > TimeSpan.Zero)
        {
            toxic.TimeoutTimer?.Change(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), Timeout.InfiniteTimeSpan);
            return;
        }

        host.CloseConnection("timeout");
    }

    /// <summary>The timer's state: which pipeline and toxic a firing belongs to.</summary>
    private sealed class TimeoutExpiry(ToxicPipeline pipeline, LinkToxic toxic)
    {
        public void Fire() => pipeline.OnTimeoutFired(toxic);
    }

    private void Restart(LinkToxic toxic, ToxicSpec spec)
    {
        toxic.TimeoutTimer?.Dispose();
        toxic.TimeoutTimer = null;
        if (toxic.Spec.Kind != spec.Kind)
        {
            toxic.BandwidthCarry = TimeSpan.Zero;
            toxic.LimitDataSent = 0;
            toxic.ResetPeerFired = false;
        }

        toxic.Spec = spec;
        Start(toxic);
    }

    private static void Stop(LinkToxic toxic)
    {
        toxic.Removed = true;
        toxic.TimeoutTimer?.Dispose();
        toxic.TimeoutTimer = null;
    }
}
