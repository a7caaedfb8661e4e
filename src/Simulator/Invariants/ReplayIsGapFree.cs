using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.5 (and §6.4 "without gaps once recovered"), judged on the wire: after each <c>joined</c> the server
/// sends a room's messages from <c>from</c> on without a hole — through the replay, at the seam where replay turns
/// live, and live. The client heals a hole it notices by asking for <c>history</c>, so the other checkers stay
/// green; this one reads the harness's own record of the frames (<see cref="WireGapEvent"/>) and fails on any
/// hole, saying whether the client repaired it. Legitimate jumps are not holes: a retention gap is announced by
/// <c>joined.gap</c> and <c>from</c> starts after it. Samples: <c>joined</c> frames (each a replay and a seam).
/// </summary>
public sealed class ReplayIsGapFree : IInvariantChecker
{
    // A hole wider than this is reported without asking which of its seqs the client got back.
    private const long MaxSeqsLookedUp = 10_000;

    /// <inheritdoc />
    public string Name => nameof(ReplayIsGapFree);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var gaps = new List<WireGapEvent>();
        foreach (var e in history.NonDeliveries)
        {
            switch (e)
            {
                case JoinedEvent:
                    result.Samples++;
                    break;
                case WireGapEvent g:
                    gaps.Add(g);
                    break;
            }
        }

        // Only the streams that had a hole need their deliveries looked up: a clean run keeps nothing per delivery.
        var delivered = new HashSet<(string Client, string Room, long Epoch, long Seq)>();
        if (gaps.Count > 0)
        {
            var streams = gaps.Select(g => (g.ClientId, g.Room, g.Epoch)).ToHashSet();
            foreach (var d in history.OfType<DeliveredEvent>())
            {
                if (streams.Contains((d.ClientId, d.Room, d.Epoch)))
                {
                    delivered.Add((d.ClientId, d.Room, d.Epoch, d.RoomSeq));
                }
            }
        }

        foreach (var g in gaps)
        {
            var where = g.Expected <= g.JoinedHead ? "inside the replay"
                : g.Expected == g.JoinedHead + 1 ? "at the replay/live seam"
                : "in the live stream";
            var missing = g.Received - 1 == g.Expected ? $"seq {g.Expected}" : $"seqs {g.Expected}..{g.Received - 1}";
            var count = g.Received - g.Expected;
            var kept = count > MaxSeqsLookedUp ? -1 : Enumerable.Range(0, (int)count).Count(i => delivered.Contains((g.ClientId, g.Room, g.Epoch, g.Expected + i)));
            var outcome = kept < 0 ? "too many to look up"
                : kept == count ? "the client has them all (repaired with history)"
                : $"the client never got {count - kept} of them";
            result.Add(
                $"server skipped {missing} of {g.Room} epoch {g.Epoch} {where} on {g.ClientId}'s connection (joined from {g.JoinedFrom}, head {g.JoinedHead}; next came {g.Received}); {outcome}",
                g.AtMs, g.Room, g.Expected, g.ClientId);
        }

        result.Detail("holes", gaps.Count);
        return result.Build();
    }
}
