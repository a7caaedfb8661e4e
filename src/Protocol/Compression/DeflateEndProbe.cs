namespace ChatResilience.Protocol.Compression;

/// <summary>
/// The compressed input of a raw deflate frame, handed to <see cref="System.IO.Compression.DeflateStream"/>
/// so that the end of the deflate stream can be checked against the end of the frame. DeflateStream reports
/// neither: a truncated stream just ends early and trailing bytes are ignored. This stream withholds the
/// frame's last byte until everything before it has been consumed, and the inflater only asks for input
/// while its stream is unfinished, so afterwards: asked again after the last byte = truncated; last byte
/// never asked for = the deflate stream ended before the frame did (trailing data).
/// </summary>
internal sealed class DeflateEndProbe : Stream
{
    private readonly byte[] _frame;
    private readonly int _start;
    private readonly int _length;
    private int _position;

    public DeflateEndProbe(ArraySegment<byte> input)
    {
        _frame = input.Array ?? [];
        _start = input.Offset;
        _length = input.Count;
    }

    /// <summary>The inflater wanted more input than the frame holds.</summary>
    public bool AskedPastEnd { get; private set; }

    /// <summary>Every byte of the frame was consumed (false after decoding = trailing data).</summary>
    public bool LastByteDelivered => _position == _length;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        var remaining = _length - _position;
        if (remaining == 0)
        {
            AskedPastEnd = true;
            return 0;
        }

        // All but the last byte in bulk; the last byte on its own request.
        var take = Math.Min(destination.Length, remaining == 1 ? 1 : remaining - 1);
        _frame.AsSpan(_start + _position, take).CopyTo(destination);
        _position += take;
        return take;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
