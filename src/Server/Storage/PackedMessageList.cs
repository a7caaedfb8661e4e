using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ChatResilience.Server.Storage;

/// <summary>
/// A room's messages in the in-memory log, each serialized (source-generated JSON) back to back into byte
/// segments, with its end offset and acceptance time in arrays beside them. Seqs are contiguous from
/// <see cref="FirstSeq"/>, so a seq's place is arithmetic within its segment. Reads decode: a replay or a
/// history page allocates the messages it returns; live traffic never reads. Strings round-trip exactly, except a
/// lone UTF-16 surrogate, which no frame decoded from the wire can carry: it is stored as U+FFFD.
/// </summary>
/// <remarks>
/// Why not a list of <see cref="StoredMessage"/>: each kept message was a record and its id and body strings,
/// three objects that every send made survive into gen 1 and gen 2. At 100 connections × 16 in flight the
/// collector paused for 11–12 % of the measured seconds, against 2 % with nothing kept; packed, 6 % (the rest is
/// the outcomes' id strings and what is in flight; bench/results/server-throughput.md). Packing costs ~0.7 µs a
/// message (PackedMessageListBenchmarks). Here a message costs the collector no object: segments hold no
/// references (nothing to mark or scan), and those past 85,000 bytes are allocated on the large-object heap,
/// where they are never copied. Segments double from 1 KiB to 1 MiB, so a quiet room costs about 1 KiB and a
/// busy one a segment per few thousand messages. A trim drops whole segments; a partly trimmed first segment
/// is kept until its last message goes (at most one segment per room beyond retention).
/// </remarks>
internal sealed class PackedMessageList
{
    private const int FirstSegmentBytes = 1024;
    private const int MaxSegmentBytes = 1024 * 1024;
    private const int MaxScratchBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly List<Segment> _segments = [];

    /// <summary>Messages kept.</summary>
    public int Count { get; private set; }

    /// <summary>The seq of the first message kept; meaningless while <see cref="Count"/> is 0.</summary>
    public long FirstSeq { get; private set; }

    /// <summary>The seq of the last message kept; meaningless while <see cref="Count"/> is 0.</summary>
    public long LastSeq => FirstSeq + Count - 1;

    /// <summary>Appends <paramref name="message"/>, whose seq must follow the last one kept (any seq when empty).</summary>
    public void Add(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Count > 0 && message.Seq != LastSeq + 1)
        {
            throw new InvalidOperationException($"seq {message.Seq} does not follow {LastSeq}");
        }

        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(1024);
        // Private storage, never sent to a browser: no need to escape HTML-sensitive or non-ASCII characters.
        var writer = t_writer ??= new Utf8JsonWriter(scratch, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        scratch.ResetWrittenCount();
        writer.Reset(scratch);
        JsonSerializer.Serialize(writer, message, PackedMessageJsonContext.Default.StoredMessage);
        writer.Flush();
        var bytes = scratch.WrittenSpan;

        if (_segments.Count == 0 || !_segments[^1].TryAppend(bytes, message.At))
        {
            var size = _segments.Count == 0 ? FirstSegmentBytes : Math.Min(MaxSegmentBytes, _segments[^1].Capacity * 2);
            var segment = new Segment(message.Seq, Math.Max(size, bytes.Length));
            segment.TryAppend(bytes, message.At);
            _segments.Add(segment);
        }

        if (Count == 0)
        {
            FirstSeq = message.Seq;
        }

        Count++;
        if (scratch.Capacity > MaxScratchBytes)
        {
            // One large message must not pin a large buffer on this thread for good.
            t_scratch = null;
            t_writer = null;
        }
    }

    /// <summary>The message with <paramref name="seq"/> (between <see cref="FirstSeq"/> and <see cref="LastSeq"/>).</summary>
    public StoredMessage Get(long seq)
    {
        var (segment, index) = Locate(seq);
        return JsonSerializer.Deserialize(segment.Message(index), PackedMessageJsonContext.Default.StoredMessage)!;
    }

    /// <summary>The acceptance time of the message with <paramref name="seq"/>, without decoding it.</summary>
    public long AtOf(long seq)
    {
        var (segment, index) = Locate(seq);
        return segment.At(index);
    }

    /// <summary>Up to <paramref name="limit"/> messages from <paramref name="fromSeq"/> on, decoded.</summary>
    public List<StoredMessage> Read(long fromSeq, int limit)
    {
        var list = new List<StoredMessage>();
        if (Count == 0)
        {
            return list;
        }

        var to = Math.Min(LastSeq, Math.Max(fromSeq, FirstSeq) + (long)limit - 1);
        for (var seq = Math.Max(fromSeq, FirstSeq); seq <= to; seq++)
        {
            list.Add(Get(seq));
        }

        return list;
    }

    /// <summary>Removes the first <paramref name="count"/> messages.</summary>
    public void RemoveFirst(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        if (count == Count)
        {
            Clear();
            return;
        }

        FirstSeq += count;
        Count -= count;
        var drop = 0;
        while (drop < _segments.Count && _segments[drop].LastSeq < FirstSeq)
        {
            drop++;
        }

        _segments.RemoveRange(0, drop);
    }

    public void Clear()
    {
        _segments.Clear();
        Count = 0;
    }

    private (Segment Segment, int Index) Locate(long seq)
    {
        if (Count == 0 || seq < FirstSeq || seq > LastSeq)
        {
            throw new ArgumentOutOfRangeException(nameof(seq), seq, $"kept: {FirstSeq} to {LastSeq} ({Count})");
        }

        // The last segment starting at or before seq (segments are few: they double up to 1 MiB).
        int lo = 0, hi = _segments.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_segments[mid].FirstSeq <= seq)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var segment = _segments[lo];
        return (segment, (int)(seq - segment.FirstSeq));
    }

    /// <summary>Consecutive messages from <see cref="FirstSeq"/>, in one byte array with their ends and times beside it.</summary>
    private sealed class Segment(long firstSeq, int capacity)
    {
        private readonly byte[] _data = GC.AllocateUninitializedArray<byte>(capacity);
        private int[] _ends = new int[8];
        private long[] _ats = new long[8];
        private int _count;

        public long FirstSeq { get; } = firstSeq;

        public long LastSeq => FirstSeq + _count - 1;

        public int Capacity => _data.Length;

        public bool TryAppend(ReadOnlySpan<byte> message, long at)
        {
            var start = _count == 0 ? 0 : _ends[_count - 1];
            if (message.Length > _data.Length - start)
            {
                return false;
            }

            if (_count == _ends.Length)
            {
                Array.Resize(ref _ends, _count * 2);
                Array.Resize(ref _ats, _count * 2);
            }

            message.CopyTo(_data.AsSpan(start));
            _ends[_count] = start + message.Length;
            _ats[_count] = at;
            _count++;
            return true;
        }

        public ReadOnlySpan<byte> Message(int index)
        {
            var start = index == 0 ? 0 : _ends[index - 1];
            return _data.AsSpan(start, _ends[index] - start);
        }

        public long At(int index) => _ats[index];
    }
}
