namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Measures how far behind its own schedule this process runs. Each <see cref="DelayAsync"/> records how much later
/// than asked its timer's continuation got a thread. Virtual clients, fault proxies and (in a one-process run) the
/// server share that thread pool, so a lag of seconds means every heartbeat, retry and delivery in the process
/// waited about as long: the timing verdicts then measure the machine running the harness as much as the server.
/// </summary>
/// <param name="time">The clock the delays run on.</param>
/// <param name="nowMs">The run clock a sample is stamped with.</param>
public sealed class SchedulingLagProbe(TimeProvider time, Func<long> nowMs)
{
    /// <summary>
    /// How often a process hosting virtual clients ticks (<see cref="RunAsync"/>). Fine enough that a stall long
    /// enough to matter to a timing verdict (the scheduling tolerance, 250 ms by default) holds up at least one
    /// tick by most of its length; ten timer callbacks a second cost nothing next to the clients.
    /// </summary>
    public static readonly TimeSpan ClientHostInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<SchedulingLagSample> _samples = [];
    private readonly Lock _gate = new();

    /// <summary>Waits <paramref name="interval"/> and records how late the wait ended.</summary>
    public async Task DelayAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        await Task.Delay(interval, time, cancellationToken);
        var lag = time.GetElapsedTime(start) - interval;
        var sample = new SchedulingLagSample(nowMs(), Math.Max(0, (long)lag.TotalMilliseconds));
        lock (_gate)
        {
            _samples.Add(sample);
        }
    }

    /// <summary>Ticks every <paramref name="interval"/>, recording each tick's lateness, until cancelled.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await DelayAsync(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the owner.
        }
    }

    /// <summary>The samples so far, oldest first.</summary>
    public IReadOnlyList<SchedulingLagSample> Snapshot()
    {
        lock (_gate)
        {
            return [.. _samples];
        }
    }
}

/// <summary>One tick of a <see cref="SchedulingLagProbe"/>: when it ended (run clock) and how late, in ms.</summary>
public sealed record SchedulingLagSample(long AtMs, long LagMs);

/// <summary>The scheduling-lag samples of one harness process ("chatsim", "coordinator", "worker 1" …).</summary>
public sealed record ProcessLagSamples(string Process, IReadOnlyList<SchedulingLagSample> Samples)
{
    /// <summary>The name of a sharded run's coordinator, which hosts no virtual clients.</summary>
    public const string Coordinator = "coordinator";
}
