using ChatResilience.Simulator.History.Internal;

namespace ChatResilience.Simulator.History;

/// <summary>
/// Collects events into the compact form of a <see cref="RecordedHistory"/>: deliveries as fixed-size rows with
/// interned strings (~80 B each, against ~330 B as objects with their own strings), other events as they are.
/// With a spill directory, rows go to a file there a chunk (16,384 rows) at a time and the finished history reads
/// them through a memory mapping, so the heap keeps only the strings and the non-delivery events (~20 B per
/// delivery) however long the run. Not thread-safe: a concurrent recorder serialises its calls.
/// </summary>
public sealed class RecordedHistoryBuilder
{
    private string? _spillDirectory;
    private RowSpill? _spill;
    private RowChunks _rows = new();
    private StringTable _strings = new();
    private List<HistoryEvent> _others = [];
    private bool _built;

    /// <summary>A builder that keeps every row in memory.</summary>
    public RecordedHistoryBuilder()
    {
    }

    /// <summary>A builder that spills rows to <paramref name="spillDirectory"/> (null: keeps them in memory).</summary>
    public RecordedHistoryBuilder(string? spillDirectory) => _spillDirectory = spillDirectory;

    /// <summary>Events added so far.</summary>
    public int Count => (_spill?.Count ?? 0) + _rows.Count;

    /// <summary>Rows written to the spill file so far (they stay there in the built history).</summary>
    public long SpilledRows { get; private set; }

    /// <summary>Why spilling stopped (the rows are then kept in memory, none lost); null while it works.</summary>
    public string? SpillError { get; private set; }

    /// <summary>Deliveries added so far (kept as rows).</summary>
    public long Deliveries { get; private set; }

    /// <summary>Adds one event.</summary>
    public void Add(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        ObjectDisposedException.ThrowIf(_built, this);
        if (e is DeliveredEvent d)
        {
            AddRow(new HistoryRow
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

        AddRow(new HistoryRow { AtMs = e.AtMs, Worker = e.Worker, Other = _others.Count });
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
        other.DrainRows(row =>
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

            AddRow(row);
        });
        other._others = [];
        other._strings = new StringTable();
        other.Deliveries = 0;
        other.SpilledRows = 0;
    }

    /// <summary>
    /// The finished history, ordered by <see cref="HistoryEvent.AtMs"/> (stable: events of the same millisecond
    /// keep the order they were added in). The builder cannot be used afterwards.
    /// </summary>
    public RecordedHistory Build()
    {
        ObjectDisposedException.ThrowIf(_built, this);
        _built = true;
        var rows = SealRows();
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
        _spill = null;
        _strings = new StringTable();
        _others = [];
        return history;
    }

    private void AddRow(in HistoryRow row)
    {
        _rows.Add(row);
        if (_spillDirectory is not null && _rows.Count == RowChunks.ChunkSize)
        {
            SpillTail();
        }
    }

    // The in-memory tail holds at most one chunk while spilling, so a failed append duplicates nothing.
    private void SpillTail()
    {
        try
        {
            _spill ??= new RowSpill(_spillDirectory!);
            foreach (var chunk in _rows.Chunks())
            {
                _spill.Append(chunk.Span);
                SpilledRows += chunk.Length;
            }

            _rows.Clear();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full or unwritable disk must not lose the history: keep it in memory from here on.
            SpillError = $"spilling the history to {_spillDirectory} failed ({e.Message}); it is kept in memory instead";
            KeepInMemory();
        }
    }

    private void KeepInMemory()
    {
        var memory = new RowChunks();
        DrainRows(row => memory.Add(row));
        _rows = memory;
        _spillDirectory = null;
        SpilledRows = 0;
    }

    private HistoryRows SealRows()
    {
        if (_spill is null)
        {
            return _rows;
        }

        if (_rows.Count > 0)
        {
            SpillTail();
        }

        return _spill is null ? _rows : _spill.Map();
    }

    private void DrainRows(Action<HistoryRow> consume)
    {
        if (_spill is not null)
        {
            foreach (var chunk in _spill.ReadBack())
            {
                foreach (var row in chunk)
                {
                    consume(row);
                }
            }

            _spill.Dispose();
            _spill = null;
        }

        _rows.Drain(consume);
    }

    private static void SortByTime(HistoryRows rows)
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
