using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// Moves a worker's event onto the coordinator's run clock and stamps the worker id: every run-relative time
/// (AtMs, StartedAtMs, IntendedAtMs) gets the offset-corrected shift; durations (HintMs) stay. ServerAtMs is the
/// server's own wall clock relative to the run start, so it takes the wall-clock difference between the worker's
/// and the coordinator's run start instead: every worker then converts the same server instant to the same number
/// (exactly, on one machine), and cross-worker comparisons of server times (PerSenderOrder) stay exact.
/// </summary>
internal static class ClockShift
{
    public static HistoryEvent Apply(HistoryEvent e, long shiftMs, int worker) => Apply(e, shiftMs, shiftMs, worker);

    public static HistoryEvent Apply(HistoryEvent e, long shiftMs, long serverShiftMs, int worker)
    {
        ArgumentNullException.ThrowIfNull(e);
        var moved = e switch
        {
            ConnectAttemptEvent c => c with { StartedAtMs = c.StartedAtMs + shiftMs },
            SendAcceptedEvent s => s with { IntendedAtMs = s.IntendedAtMs + shiftMs },
            DeliveredEvent d => d with { ServerAtMs = d.ServerAtMs + serverShiftMs },
            _ => e,
        };
        return moved with { AtMs = e.AtMs + shiftMs, Worker = worker };
    }
}
