using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.2–6.3: every send the outbox accepted is settled — acked or finally failed — by the end of the
/// run. A sender that crashed and never restarted cannot settle: its sends are excluded (counted), not passed.
/// Samples: accepted sends examined.
/// </summary>
public sealed class EveryAcceptedSendSettled : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(EveryAcceptedSendSettled);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var accepted = new List<SendAcceptedEvent>();
        var settled = new HashSet<(string ClientId, string MessageId)>();
        foreach (var e in history.NonDeliveries)
        {
            switch (e)
            {
                case SendAcceptedEvent s:
                    accepted.Add(s);
                    break;
                case AckedEvent a:
                    settled.Add((a.ClientId, a.MessageId));
                    break;
                case FailedEvent f:
                    settled.Add((f.ClientId, f.MessageId));
                    break;
            }
        }

        var fates = ClientFates.From(history);
        var excludedClients = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var s in accepted)
        {
            if (settled.Contains((s.ClientId, s.MessageId)))
            {
                result.Samples++;
            }
            else if (fates.CrashedAtEnd(s.ClientId))
            {
                result.Excluded++;
                excludedClients.Add(s.ClientId);
            }
            else
            {
                result.Samples++;
                result.Add(
                    $"send {s.MessageId} (seq {s.Seq}) of {s.ClientId} to {s.Room}, accepted at {s.AtMs} ms, was never acked or failed",
                    s.AtMs, s.Room, s.Seq, s.ClientId, s.MessageId);
            }
        }

        if (excludedClients.Count > 0)
        {
            result.Detail("excludedCrashedClients", string.Join(",", excludedClients.Take(50)));
        }

        return result.Build();
    }
}
