using ChatResilience.Simulator.History.Internal;

namespace ChatResilience.Simulator.History;

/// <summary>
/// Collects events into the compact form of a <see cref="RecordedHistory"/>: deliveries as fixed-size rows with
/// interned strings (~80 B each, against ~330 B as objects with their own strings), other events as they are.
/// Not thread-safe: a concurrent recorder serialises its calls.
/// </summary>
public sealed class RecordedHistoryBuilder
{
    private RowChunks _rows = new();
    private StringTable _strings = new();
    private List<HistoryEvent> _others = [];
    private bool _built;

    /// <summary>Events added so far.</summary>
    public int Count => _rows.Count;

    /// <summary>Deliveries added so far (kept as rows).</summary>
    public long Deliveries { get; private set; }

    /// <summary>Adds one event.</summary>
    public void Add(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        ObjectDisposedException.ThrowIf(_built, this);
        if (e is DeliveredEvent d)
        {
            _rows.Add(new HistoryRow
            {
                AtMs = d.AtMs,
                Worker = d.Worker,
                Client = _strings.Id(d.ClientId),
                Room = _strings.Id(d.Room),
                Epoch = d.Epoch,
                RoomSeq = d.RoomSeq,
                Message = _strings.Id(d.MessageId),
                SenderClient = _strings.Id(d.SenderClientId),
                SenderUser = _strings.Id(d.SenderUserId),
                SenderSeq = d.SenderSeq,
                ServerAtMs = d.ServerAtMs,
                ReplyToSeq = d.ReplyToSeq ?? HistoryRow.NoReply,
                Other = -1,
            });
            Deliveries++;
            return;
        }

        _rows.Add(new HistoryRow { AtMs = e.AtMs, Worker = e.Worker, Other = _others.Count });
        _others.Add(e);
    }

    /// <summary>Adds every event of <paramref name="events"/>.</summary>
    public void AddRange(IEnumerable<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            Add(e);
        }
    }

    /// <summary>
    /// Moves every event of <paramref name="other"/> into this builder without turning rows back into objects,
    /// releasing the other's storage chunk by chunk (so merging workers' histories never holds two copies); the
    /// other builder is empty afterwards.
    /// </summary>
    public void AddFrom(RecordedHistoryBuilder other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ObjectDisposedException.ThrowIf(_built, this);
        ObjectDisposedException.ThrowIf(other._built, other);
        var map = new int[other._strings.Count];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = _strings.Id(other._strings[i]);
        }

        var othersBase = _others.Count;
        _others.AddRange(other._others);
        other._rows.Drain(row =>
        {
            if (row.IsDelivery)
            {
                row.Client = map[row.Client];
                row.Room = map[row.Room];
                row.Message = map[row.Message];
                row.SenderClient = map[row.SenderClient];
                row.SenderUser = map[row.SenderUser];
                Deliveries++;
            }
            else
            {
                row.Other += othersBase;
            }

            _rows.Add(row);
        });
        other._others = [];
        other._strings = new StringTable();
        other.Deliveries = 0;
    }

    /// <summary>
    /// The finished history, ordered by <see cref="HistoryEvent.AtMs"/> (stable: events of the same millisecond
    /// keep the order they were added in). The builder cannot be used afterwards.
    /// </summary>
    public RecordedHistory Build()
    {
        ObjectDisposedException.ThrowIf(_built, this);
        _built = true;
        var rows = _rows;
        SortByTime(rows);

        // The side list in time order, so reading one kind of event never touches the delivery rows.
        var others = new HistoryEvent[_others.Count];
        var next = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            ref var row = ref rows[i];
            if (!row.IsDelivery)
            {
                others[next] = _others[row.Other];
                row.Other = next++;
            }
        }

        var history = new RecordedHistory(rows, _strings.ToArray(), others, Deliveries);
        _rows = new RowChunks();
        _strings = new StringTable();
        _others = [];
        return history;
    }

    private static void SortByTime(RowChunks rows)
    {
        var n = rows.Count;
        long min = long.MaxValue, max = long.MinValue;
        var ordered = true;
        for (var i = 0; i < n; i++)
        {
            var at = rows[i].AtMs;
            ordered &= i == 0 || at >= rows[i - 1].AtMs;
            min = Math.Min(min, at);
            max = Math.Max(max, at);
        }

        if (ordered)
        {
            return;
        }

        // Sort (time, position) keys packed into one long — 31 bits of position, the rest time since the earliest
        // event (2^32 ms is 49 days) — then move the rows once along the resulting permutation.
        int[] source;
        if ((ulong)(max - min) < (1UL << 32))
        {
            var keys = new long[n];
            for (var i = 0; i < n; i++)
            {
                keys[i] = ((rows[i].AtMs - min) << 31) | (uint)i;
            }

            Array.Sort(keys);
            source = new int[n];
            for (var i = 0; i < n; i++)
            {
                source[i] = (int)(keys[i] & int.MaxValue);
            }
        }
        else
        {
            var keys = new (long AtMs, int Index)[n];
            for (var i = 0; i < n; i++)
            {
                keys[i] = (rows[i].AtMs, i);
            }

            Array.Sort(keys);
            source = [.. keys.Select(k => k.Index)];
        }

        rows.Permute(source);
    }
}
