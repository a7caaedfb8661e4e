namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>
/// A set of seqs kept as sorted, disjoint ranges. A reader gets a room's messages nearly in order, so the thousands
/// of seqs of one stream are a handful of ranges: the checkers keep no per-delivery state this way.
/// </summary>
internal sealed class SeqRanges
{
    private readonly List<(long From, long To)> _ranges = [];

    /// <summary>Adds <paramref name="seq"/>; false when it was already in the set.</summary>
    public bool Add(long seq)
    {
        var n = _ranges.Count;
        if (n == 0 || seq > _ranges[n - 1].To + 1)
        {
            _ranges.Add((seq, seq));
            return true;
        }

        if (seq == _ranges[n - 1].To + 1)
        {
            _ranges[n - 1] = (_ranges[n - 1].From, seq);
            return true;
        }

        var i = FirstEndingAtOrAfter(seq);
        if (i < n && _ranges[i].From <= seq)
        {
            return false;
        }

        var joinsLeft = i > 0 && _ranges[i - 1].To == seq - 1;
        var joinsRight = i < n && _ranges[i].From == seq + 1;
        if (joinsLeft && joinsRight)
        {
            _ranges[i - 1] = (_ranges[i - 1].From, _ranges[i].To);
            _ranges.RemoveAt(i);
        }
        else if (joinsLeft)
        {
            _ranges[i - 1] = (_ranges[i - 1].From, seq);
        }
        else if (joinsRight)
        {
            _ranges[i] = (seq, _ranges[i].To);
        }
        else
        {
            _ranges.Insert(i, (seq, seq));
        }

        return true;
    }

    public bool Contains(long seq)
    {
        var i = FirstEndingAtOrAfter(seq);
        return i < _ranges.Count && _ranges[i].From <= seq;
    }

    /// <summary>How many ranges the set is made of.</summary>
    public int RangeCount => _ranges.Count;

    private int FirstEndingAtOrAfter(long seq)
    {
        int lo = 0, hi = _ranges.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ranges[mid].To < seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
