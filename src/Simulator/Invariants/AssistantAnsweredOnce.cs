using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §9: in an assistant room (name starting with <see cref="CheckContext.AssistantRoomPrefix"/>), every
/// human message any reader saw is answered by exactly one stored message from
/// <see cref="CheckContext.AssistantUserId"/> whose <see cref="DeliveredEvent.ReplyToSeq"/> is its seq — counted as
/// distinct answer seqs across all readers. Unanswered messages of a room deleted afterwards are excluded.
/// Samples: human messages examined.
/// </summary>
public sealed class AssistantAnsweredOnce : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(AssistantAnsweredOnce);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var triggers = new Dictionary<(string Room, long Epoch, long Seq), DeliveredEvent>();
        var answers = new Dictionary<(string Room, long Epoch, long Seq), SortedSet<long>>();
        var roomDeletedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in history.Events)
        {
            if (e is HarnessEvent { Kind: HarnessEventKinds.RoomDeleted, Room: { } deleted } h)
            {
                roomDeletedAt[deleted] = h.AtMs;
                continue;
            }

            if (e is not DeliveredEvent d || !d.Room.StartsWith(context.AssistantRoomPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!string.Equals(d.SenderUserId, context.AssistantUserId, StringComparison.Ordinal))
            {
                triggers.TryAdd((d.Room, d.Epoch, d.RoomSeq), d);
            }
            else if (d.ReplyToSeq is { } replyTo)
            {
                var key = (d.Room, d.Epoch, replyTo);
                if (!answers.TryGetValue(key, out var seqs))
                {
                    answers[key] = seqs = [];
                }

                seqs.Add(d.RoomSeq);
            }
        }

        foreach (var (key, trigger) in triggers)
        {
            var count = answers.TryGetValue(key, out var seqs) ? seqs.Count : 0;
            if (count == 0 && roomDeletedAt.TryGetValue(key.Room, out var deletedAt) && deletedAt >= trigger.AtMs)
            {
                result.Excluded++;
                continue;
            }

            result.Samples++;
            if (count == 0)
            {
                result.Add(
                    $"{key.Room} epoch {key.Epoch} seq {key.Seq} ({trigger.MessageId} from {trigger.SenderClientId}) was never answered by {context.AssistantUserId}",
                    trigger.AtMs, key.Room, key.Seq, trigger.SenderClientId, trigger.MessageId);
            }
            else if (count > 1)
            {
                result.Add(
                    $"{key.Room} epoch {key.Epoch} seq {key.Seq} ({trigger.MessageId}) was answered {count} times, at seqs {string.Join(",", seqs!)}",
                    trigger.AtMs, key.Room, key.Seq, trigger.SenderClientId, trigger.MessageId);
            }
        }

        return result.Build();
    }
}
