using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// Moves a worker's event onto the coordinator's run clock and stamps the worker id: every run-relative time
/// (AtMs, StartedAtMs, IntendedAtMs, ServerAtMs) gets the same shift; durations (HintMs) stay.
/// </summary>
internal static class ClockShift
{
    public static HistoryEvent Apply(HistoryEvent e, long shiftMs, int worker)
    {
        ArgumentNullException.ThrowIfNull(e);
        var moved = e switch
        {
            ConnectAttemptEvent c => c with { StartedAtMs = c.StartedAtMs + shiftMs },
            SendAcceptedEvent s => s with { IntendedAtMs = s.IntendedAtMs + shiftMs },
            DeliveredEvent d => d with { ServerAtMs = d.ServerAtMs + shiftMs },
            _ => e,
        };
        return moved with { AtMs = e.AtMs + shiftMs, Worker = worker };
    }
}
