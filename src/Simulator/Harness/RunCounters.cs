namespace ChatResilience.Simulator.Harness;

/// <summary>Live counters for the progress display and the watchdog (interlocked; read without locks).</summary>
internal sealed class RunCounters
{
    private long _connected;
    private long _sent;
    private long _acked;
    private long _failed;
    private long _refused;
    private long _delivered;
    private long _connectAttempts;
    private long _activeFaults;

    public long Connected => Interlocked.Read(ref _connected);
    public long Sent => Interlocked.Read(ref _sent);
    public long Acked => Interlocked.Read(ref _acked);
    public long Failed => Interlocked.Read(ref _failed);
    public long Refused => Interlocked.Read(ref _refused);
    public long Delivered => Interlocked.Read(ref _delivered);
    public long ConnectAttempts => Interlocked.Read(ref _connectAttempts);
    public long ActiveFaults => Interlocked.Read(ref _activeFaults);

    /// <summary>Anything that moves when the run makes progress (the watchdog's pulse).</summary>
    public long Pulse => Acked + Failed + Delivered + ConnectAttempts + Sent;

    public void AddConnected(int delta) => Interlocked.Add(ref _connected, delta);
    public void AddSent() => Interlocked.Increment(ref _sent);
    public void AddAcked() => Interlocked.Increment(ref _acked);
    public void AddFailed() => Interlocked.Increment(ref _failed);
    public void AddRefused() => Interlocked.Increment(ref _refused);
    public void AddDelivered() => Interlocked.Increment(ref _delivered);
    public void AddConnectAttempt() => Interlocked.Increment(ref _connectAttempts);
    public void AddActiveFaults(int delta) => Interlocked.Add(ref _activeFaults, delta);
}
