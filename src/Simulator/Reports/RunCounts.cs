using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Reports;

/// <summary>What happened in a run, counted from its history.</summary>
public sealed record RunCounts
{
    /// <summary>Events in the history.</summary>
    public long Events { get; init; }

    /// <summary>Sends the outboxes accepted.</summary>
    public long Sent { get; init; }

    /// <summary>Distinct messages acked (first ack per client and message).</summary>
    public long Acked { get; init; }

    public long Failed { get; init; }

    public long Refused { get; init; }

    /// <summary>Deliveries to readers (one per reader and message).</summary>
    public long Delivered { get; init; }

    /// <summary>Connection attempts after the first one of each client.</summary>
    public long Reconnects { get; init; }

    /// <summary>Every connection attempt, the first ones included.</summary>
    public long ConnectAttempts { get; init; }

    public static RunCounts From(RecordedHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        long sent = 0, failed = 0, refused = 0, delivered = 0, attempts = 0;
        var acked = new HashSet<(string, string)>();
        var clients = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in history.Events)
        {
            switch (e)
            {
                case SendAcceptedEvent:
                    sent++;
                    break;
                case AckedEvent a:
                    acked.Add((a.ClientId, a.MessageId));
                    break;
                case FailedEvent:
                    failed++;
                    break;
                case SendRefusedEvent:
                    refused++;
                    break;
                case DeliveredEvent:
                    delivered++;
                    break;
                case ConnectAttemptEvent c:
                    attempts++;
                    clients.Add(c.ClientId);
                    break;
            }
        }

        return new RunCounts
        {
            Sent = sent, Acked = acked.Count, Failed = failed, Refused = refused, Delivered = delivered,
            Reconnects = attempts - clients.Count, ConnectAttempts = attempts, Events = history.Events.Count,
        };
    }
}
