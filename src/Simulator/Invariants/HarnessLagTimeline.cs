using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// How far behind its own schedule the harness ran, by run time, for the timing checkers. A virtual client's
/// reconnect timer, heartbeat or delivery cannot run before its process gets a thread, so when the process that
/// hosts the clients measured itself L ms late (its <see cref="SchedulingLagProbe"/> ticks) inside a window, a wait
/// in that window that ended late is judged against its bound + tolerance + L. Only lateness is forgiven: a wait
/// that ended early, or a late one in a window where the harness ran on time, still fails.
/// </summary>
/// <remarks>
/// The coordinator of a sharded run hosts no clients and is left out. The workers' ticks are pooled: a window's
/// allowance is the worst tick of any worker in it, not only of the client's own worker (the history does not say
/// which worker ran a client), so a saturated worker makes its peers' windows lenient too. The run's
/// saturation warning names that worker either way.
/// </remarks>
public sealed class HarnessLagTimeline
{
    private readonly long[] _atMs;
    private readonly long[] _lagMs;
    private readonly long _slackMs;

    /// <summary>A timeline with no ticks: no allowance anywhere (a run without a probe, or the checkers' unit tests).</summary>
    public static HarnessLagTimeline None { get; } = new([], TimeSpan.Zero);

    /// <summary>
    /// Pools the ticks of <paramref name="processes"/> that host clients (every process but the coordinator).
    /// <paramref name="probeInterval"/> is how often they tick: a tick held up by a stall ends when the stall does,
    /// which may be up to one interval after a wait that the same stall held up.
    /// </summary>
    public HarnessLagTimeline(IEnumerable<ProcessLagSamples> processes, TimeSpan probeInterval)
    {
        ArgumentNullException.ThrowIfNull(processes);
        var ticks = processes
            .Where(p => !string.Equals(p.Process, ProcessLagSamples.Coordinator, StringComparison.Ordinal))
            .SelectMany(p => p.Samples)
            .OrderBy(s => s.AtMs)
            .ToArray();
        _atMs = [.. ticks.Select(s => s.AtMs)];
        _lagMs = [.. ticks.Select(s => s.LagMs)];
        _slackMs = (long)probeInterval.TotalMilliseconds;
    }

    /// <summary>
    /// The worst lateness measured around <paramref name="atMs"/>: the ticks that ended within one probe interval of it.
    /// A timer that fired late fired when a stall ended, and the ticks that stall held up ended then too; lateness
    /// earlier in a wait did not move when it ended.
    /// </summary>
    public long WorstAround(long atMs) => WorstDuring(atMs - _slackMs, atMs);

    /// <summary>
    /// The worst lateness of the ticks that ended from <paramref name="fromMs"/> to one probe interval after
    /// <paramref name="toMs"/> (run clock, ms); 0 when none did or none was late.
    /// </summary>
    public long WorstDuring(long fromMs, long toMs)
    {
        var i = Array.BinarySearch(_atMs, fromMs);
        if (i < 0)
        {
            i = ~i;
        }
        else
        {
            // Several ticks may share a millisecond (pooled workers): start at the first of them.
            while (i > 0 && _atMs[i - 1] == fromMs)
            {
                i--;
            }
        }

        long worst = 0;
        for (; i < _atMs.Length && _atMs[i] <= toMs + _slackMs; i++)
        {
            worst = Math.Max(worst, _lagMs[i]);
        }

        return worst;
    }
}
