using ChatResilience.Protocol.Frames;

namespace ChatResilience.Client.Session;

/// <summary>
/// Pure per-room ordering (STYLE.md habit 2): holds the epoch and highest contiguous seq, drops what is
/// already held, parks what arrives early until history fills the hole, and turns joined/page answers
/// into the cursor moves and gap/reset notices of PROTOCOL.md §5–6. Not thread-safe: the client locks.
/// </summary>
internal sealed class RoomSequencer(string room, long epoch, long after)
{
    /// <summary>Most early messages parked per room; beyond it they are dropped and refetched by history.</summary>
    public const int MaxAhead = 10_000;

    private SortedDictionary<long, MsgFrame>? _ahead;

    public string Room { get; } = room;

    public long Epoch { get; private set; } = epoch;

    public long After { get; private set; } = after;

    /// <summary>A <c>history</c> request is outstanding.</summary>
    public bool HistoryRequested { get; set; }

    /// <summary>The lowest parked seq, if any.</summary>
    public long? FirstAhead => _ahead is { Count: > 0 } a ? a.Keys.First() : null;

    public MsgVerdict Accept(MsgFrame msg, List<MsgFrame> deliver)
    {
        if (Epoch != 0 && msg.Epoch != Epoch)
        {
            return MsgVerdict.Stale;
        }

        Epoch = msg.Epoch;
        if (msg.Seq <= After)
        {
            return MsgVerdict.Duplicate;
        }

        if (msg.Seq == After + 1)
        {
            deliver.Add(msg);
            After = msg.Seq;
            Drain(deliver);
            return MsgVerdict.Delivered;
        }

        _ahead ??= [];
        if (_ahead.Count < MaxAhead)
        {
            _ahead.TryAdd(msg.Seq, msg);
        }

        if (HistoryRequested)
        {
            return MsgVerdict.Held;
        }

        HistoryRequested = true;
        return MsgVerdict.NeedHistory;
    }

    /// <summary>Applies <c>joined</c>; returns the reset or gap to surface, if any.</summary>
    public (RoomReset? Reset, RoomGap? Gap) OnJoined(JoinedFrame joined)
    {
        if (joined.Reset == true || (Epoch != 0 && joined.Epoch != Epoch))
        {
            var hadState = Epoch != 0 || After != 0;
            Epoch = joined.Epoch;
            After = Math.Max(0, joined.From - 1);
            _ahead = null;
            HistoryRequested = false;
            return (hadState ? new RoomReset(Room, joined.Epoch, joined.From, joined.Head) : null, null);
        }

        Epoch = joined.Epoch;
        if (!joined.Recovered && joined.Gap is { } g && g.To > After)
        {
            var gap = new RoomGap(Room, Epoch, Math.Max(g.From, After + 1), g.To);
            After = g.To;
            return (null, gap);
        }

        return (null, null);
    }

    /// <summary>
    /// Applies a <c>page</c>. Returns a gap when history cannot fill the hole below the parked messages
    /// (trimmed meanwhile); <paramref name="requestMore"/> when another page is needed.
    /// </summary>
    public RoomGap? OnPage(PageFrame page, List<MsgFrame> deliver, out bool requestMore)
    {
        HistoryRequested = false;
        requestMore = false;
        foreach (var msg in page.Msgs.OrderBy(m => m.Seq))
        {
            Accept(msg, deliver);
        }

        // Accept may have asked for history again; the decision is made below instead.
        HistoryRequested = false;
        if (FirstAhead is not { } first || first <= After + 1)
        {
            Drain(deliver);
            return null;
        }

        if (page.More && page.Msgs.Count > 0)
        {
            HistoryRequested = true;
            requestMore = true;
            return null;
        }

        var gap = new RoomGap(Room, Epoch, After + 1, first - 1);
        After = first - 1;
        Drain(deliver);
        return gap;
    }

    private void Drain(List<MsgFrame> deliver)
    {
        if (_ahead is null)
        {
            return;
        }

        while (_ahead.Count > 0)
        {
            var (seq, msg) = _ahead.First();
            if (seq <= After)
            {
                _ahead.Remove(seq);
                continue;
            }

            if (seq != After + 1)
            {
                break;
            }

            _ahead.Remove(seq);
            deliver.Add(msg);
            After = seq;
        }

        if (_ahead.Count == 0)
        {
            _ahead = null;
        }
    }
}

/// <summary>What <see cref="RoomSequencer.Accept"/> did with a message.</summary>
internal enum MsgVerdict
{
    Delivered,
    Duplicate,
    Stale,
    Held,
    NeedHistory,
}
