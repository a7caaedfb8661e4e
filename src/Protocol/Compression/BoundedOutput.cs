using System.Buffers;

namespace ChatResilience.Protocol.Compression;

/// <summary>
/// A pooled output buffer that grows geometrically up to a hard bound, so neither a small frame nor a bomb
/// ever rents more than a <c>maxBytes</c> buffer; growing past the bound is <c>too_large</c>.
/// </summary>
internal struct BoundedOutput : IDisposable
{
    private readonly int _maxBytes;
    private byte[] _buffer;
    private int _length;

    public BoundedOutput(int maxBytes)
    {
        _maxBytes = maxBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(maxBytes, 1, 64 * 1024));
    }

    /// <summary>Room left before the buffer must grow (empty once full, including at the bound).</summary>
    public readonly Span<byte> Free => _buffer.AsSpan(_length, Capacity - _length);

    public readonly bool AtBound => Capacity == _maxBytes;

    private readonly int Capacity => Math.Min(_buffer.Length, _maxBytes);

    public void Advance(int count) => _length += count;

    /// <summary>Doubles the room, or throws <c>too_large</c> when it is already <c>maxBytes</c>.</summary>
    public void Grow()
    {
        if (AtBound)
        {
            throw FrameCompression.TooLarge(_maxBytes);
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)Capacity * 2, _maxBytes));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public readonly byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
