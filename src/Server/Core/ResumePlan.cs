using ChatResilience.Protocol.Frames;

namespace ChatResilience.Server.Core;

/// <summary>
/// What a join or resume replays (PROTOCOL.md §5 <c>joined</c>, §6.5): from which seq, whether a range is
/// past retention (an exact gap), and whether the client must reset its cursor (epoch mismatch, after &gt; head).
/// </summary>
internal readonly record struct ResumePlan(long From, SeqGap? Gap, bool Reset)
{
    /// <param name="clientEpoch">The client's epoch; null or 0 = the client holds nothing.</param>
    /// <param name="after">The highest contiguous seq the client holds; null = 0.</param>
    /// <param name="roomEpoch">The room's current epoch.</param>
    /// <param name="head">The room's head when the connection was subscribed.</param>
    /// <param name="firstSeq">The lowest retained seq (head + 1 when none).</param>
    public static ResumePlan Compute(long? clientEpoch, long? after, long roomEpoch, long head, long firstSeq)
    {
        var a = after ?? 0;
        var reset = (clientEpoch is > 0 && clientEpoch != roomEpoch) || a > head;
        if (reset)
        {
            a = 0;
        }

        var from = Math.Max(a + 1, firstSeq);
        var gap = a + 1 < firstSeq && a + 1 <= head ? new SeqGap { From = a + 1, To = Math.Min(firstSeq - 1, head) } : null;
        return new ResumePlan(from, gap, reset);
    }
}
