using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.6: a send composed offline is reconciled, not lost: acked or finally failed within
/// <see cref="CheckContext.OfflineReplayBound"/> (plus <see cref="CheckContext.LateAllowanceMs"/>: the scheduling
/// tolerance and the harness's measured lateness from then on) of the client's next
/// <c>offline_end</c>. Excluded (counted): clients still offline or crashed at the end, and sends whose deadline
/// lies past the end of the run while still unsettled. Samples: offline sends examined.
/// </summary>
public sealed class OfflineQueueReplayed : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(OfflineQueueReplayed);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var offlineSends = new List<SendAcceptedEvent>();
        var onlineAgain = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        var settledAt = new Dictionary<(string ClientId, string MessageId), long>();
        foreach (var e in history.NonDeliveries)
        {
            switch (e)
            {
                case SendAcceptedEvent { Offline: true } s:
                    offlineSends.Add(s);
                    break;
                case HarnessEvent { Kind: HarnessEventKinds.OfflineEnd, ClientId: { } client } h:
                    if (!onlineAgain.TryGetValue(client, out var times))
                    {
                        onlineAgain[client] = times = [];
                    }

                    times.Add(h.AtMs);
                    break;
                case AckedEvent a:
                    settledAt.TryAdd((a.ClientId, a.MessageId), a.AtMs);
                    break;
                case FailedEvent f:
                    settledAt.TryAdd((f.ClientId, f.MessageId), f.AtMs);
                    break;
            }
        }

        var fates = ClientFates.From(history);
        var boundMs = (long)context.OfflineReplayBound.TotalMilliseconds;
        long worstMs = 0;
        foreach (var s in offlineSends)
        {
            var backAt = NextAtOrAfter(onlineAgain, s.ClientId, s.AtMs);
            if (backAt is null || fates.CrashedAtEnd(s.ClientId))
            {
                result.Excluded++;
                continue;
            }

            if (settledAt.TryGetValue((s.ClientId, s.MessageId), out var at))
            {
                result.Samples++;
                worstMs = Math.Max(worstMs, at - backAt.Value);
                var allowedMs = boundMs + context.LateAllowanceMs(backAt.Value, at);
                if (at - backAt.Value > allowedMs)
                {
                    result.Add(
                        $"offline send {s.MessageId} (seq {s.Seq}) of {s.ClientId} settled {at - backAt.Value} ms after it came back online (bound {allowedMs} ms)",
                        at, s.Room, s.Seq, s.ClientId, s.MessageId);
                }

                continue;
            }

            var bound = boundMs + context.LateAllowanceMs(backAt.Value, fates.EndMs);
            var deadline = backAt.Value + bound;
            if (deadline > fates.EndMs)
            {
                result.Excluded++;
            }
            else
            {
                result.Samples++;
                result.Add(
                    $"offline send {s.MessageId} (seq {s.Seq}) of {s.ClientId} was not settled within {bound} ms of coming back online at {backAt} ms",
                    deadline, s.Room, s.Seq, s.ClientId, s.MessageId);
            }
        }

        result.Detail("worstReplayMs", worstMs);
        return result.Build();
    }

    private static long? NextAtOrAfter(Dictionary<string, List<long>> times, string client, long atMs)
    {
        if (!times.TryGetValue(client, out var list))
        {
            return null;
        }

        foreach (var t in list)
        {
            if (t >= atMs)
            {
                return t;
            }
        }

        return null;
    }
}
