using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.2 and §6.6: a final <c>nack</c> never goes silent. Every non-retryable nack the harness saw on the
/// wire has a <see cref="FailedEvent"/> for that client and message, and every failure the client surfaces names
/// its cause (a code). Clients that crashed and never restarted are excluded. Samples: final nacks plus failures.
/// </summary>
public sealed class FinalNacksSurfaced : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(FinalNacksSurfaced);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var finalNacks = new List<WireNackEvent>();
        var failed = new HashSet<(string ClientId, string MessageId)>();
        foreach (var e in history.NonDeliveries)
        {
            switch (e)
            {
                case WireNackEvent { Retryable: false } n:
                    finalNacks.Add(n);
                    break;
                case FailedEvent f:
                    result.Samples++;
                    failed.Add((f.ClientId, f.MessageId));
                    if (string.IsNullOrWhiteSpace(f.Code))
                    {
                        result.Add($"{f.ClientId} surfaced {f.MessageId} (seq {f.Seq}) as failed without a cause", f.AtMs, null, f.Seq, f.ClientId, f.MessageId);
                    }

                    break;
            }
        }

        var fates = ClientFates.From(history);
        var checkedNacks = new HashSet<(string, string)>();
        foreach (var n in finalNacks)
        {
            if (!checkedNacks.Add((n.ClientId, n.MessageId)))
            {
                continue; // a replayed send gets its final nack again; one surfaced failure answers both
            }

            if (failed.Contains((n.ClientId, n.MessageId)))
            {
                result.Samples++;
            }
            else if (fates.CrashedAtEnd(n.ClientId))
            {
                result.Excluded++;
            }
            else
            {
                result.Samples++;
                result.Add(
                    $"final nack {n.Code} for {n.MessageId} (seq {n.Seq}) reached {n.ClientId} but was never surfaced as a failure",
                    n.AtMs, null, n.Seq, n.ClientId, n.MessageId);
            }
        }

        return result.Build();
    }
}
