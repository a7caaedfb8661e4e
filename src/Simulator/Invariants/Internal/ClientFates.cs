using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>
/// What became of each client by the end of the run, from the harness's own events: crashed and never restarted,
/// still offline, and when it last came back (restart or end of an offline period). Checkers exclude clients that
/// could not have kept a guarantee (a crashed client cannot settle its outbox) instead of passing them.
/// </summary>
internal sealed class ClientFates
{
    private readonly HashSet<string> _crashedAtEnd = new(StringComparer.Ordinal);
    private readonly HashSet<string> _offlineAtEnd = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastBackAtMs = new(StringComparer.Ordinal);

    private ClientFates()
    {
    }

    /// <summary>Time of the last event of the run (its end, as far as the history knows).</summary>
    public long EndMs { get; private set; }

    public static ClientFates From(RecordedHistory history)
    {
        // The history is in time order, so the last event is the latest.
        var fates = new ClientFates { EndMs = history.Events.Count > 0 ? Math.Max(0, history.Events[^1].AtMs) : 0 };
        foreach (var e in history.NonDeliveries)
        {
            if (e is not HarnessEvent { ClientId: { } client } h)
            {
                continue;
            }

            switch (h.Kind)
            {
                case HarnessEventKinds.ClientCrash:
                    fates._crashedAtEnd.Add(client);
                    break;
                case HarnessEventKinds.ClientRestart:
                    fates._crashedAtEnd.Remove(client);
                    fates._lastBackAtMs[client] = h.AtMs;
                    break;
                case HarnessEventKinds.OfflineStart:
                    fates._offlineAtEnd.Add(client);
                    break;
                case HarnessEventKinds.OfflineEnd:
                    fates._offlineAtEnd.Remove(client);
                    fates._lastBackAtMs[client] = h.AtMs;
                    break;
            }
        }

        return fates;
    }

    public bool CrashedAtEnd(string clientId) => _crashedAtEnd.Contains(clientId);

    public bool OfflineAtEnd(string clientId) => _offlineAtEnd.Contains(clientId);

    /// <summary>When the client last came back from a crash or an offline period; null if it never left.</summary>
    public long? LastBackAtMs(string clientId) => _lastBackAtMs.TryGetValue(clientId, out var t) ? t : null;
}
