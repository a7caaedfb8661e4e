using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using ZstdSharp;

namespace ChatResilience.Protocol.Compression;

/// <summary>
/// Compresses frames into the binary form (codec byte + compressed JSON) and decompresses them with a hard
/// output bound, so a bomb (1 GB that compresses into 1 MB) costs at most <c>maxFrameBytes</c> of memory and
/// stops as soon as the bound is crossed.
/// </summary>
public static class FrameCompression
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>
    /// The default level per codec: zstd 1, deflate 6, brotli 4. Chosen from bench/results/compression-*.md:
    /// on chat frames zstd 1 compresses as well as zstd 3 (40.7 % vs 40.6 % at 2 KB, 24.5 % both at 64 KB)
    /// at about twice the speed; deflate 1 and brotli 1 lose too much ratio on 2 KB frames (52 %, 43 %).
    /// </summary>
    public static int DefaultLevel(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Deflate => 6,
        CompressionCodec.Brotli => 4,
        CompressionCodec.Zstd => 1,
        _ => 0,
    };

    /// <summary>Returns byte 0 = codec id, then <paramref name="json"/> compressed at <paramref name="level"/>.</summary>
    public static byte[] Compress(CompressionCodec codec, ReadOnlySpan<byte> json, int? level = null)
    {
        var lvl = level ?? DefaultLevel(codec);
        switch (codec)
        {
            case CompressionCodec.Zstd:
            {
                using var compressor = new Compressor(lvl);
                var bound = Compressor.GetCompressBound(json.Length);
                var output = new byte[bound + 1];
                output[0] = (byte)codec;
                var written = compressor.Wrap(json, output.AsSpan(1));
                return output.AsSpan(0, written + 1).ToArray();
            }

            case CompressionCodec.Brotli:
            {
                var output = new byte[BrotliEncoder.GetMaxCompressedLength(json.Length) + 1];
                output[0] = (byte)codec;
                if (!BrotliEncoder.TryCompress(json, output.AsSpan(1), out var written, Math.Clamp(lvl, 0, 11), 22))
                {
                    throw new InvalidOperationException("brotli output buffer too small");
                }

                return output.AsSpan(0, written + 1).ToArray();
            }

            case CompressionCodec.Deflate:
            {
                using var ms = new MemoryStream(json.Length / 2 + 16);
                ms.WriteByte((byte)codec);
                using (var deflate = new DeflateStream(ms, new ZLibCompressionOptions { CompressionLevel = Math.Clamp(lvl, 0, 9) }, leaveOpen: true))
                {
                    deflate.Write(json);
                }

                return ms.ToArray();
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(codec), codec, "not a compression codec");
        }
    }

    /// <summary>
    /// Decompresses a binary frame. Throws <see cref="ProtocolException"/>: <c>too_large</c> past
    /// <paramref name="maxBytes"/>; <c>invalid_frame</c> (undecodable) for an empty frame, a codec not in
    /// <paramref name="accepted"/>, or corrupt or truncated data.
    /// </summary>
    public static byte[] Decompress(ReadOnlySpan<byte> binaryFrame, IReadOnlySet<CompressionCodec> accepted, int maxBytes) =>
        DecompressFrame(binaryFrame.ToArray(), accepted, maxBytes);

    /// <summary>
    /// As <see cref="Decompress"/>, reading the payload in place when it is backed by an array (the receive
    /// path), so a frame costs no copy of its compressed bytes: memory stays bounded by about
    /// <paramref name="maxBytes"/> whatever the frame claims to hold.
    /// </summary>
    internal static byte[] DecompressFrame(ReadOnlyMemory<byte> binaryFrame, IReadOnlySet<CompressionCodec> accepted, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        if (binaryFrame.IsEmpty)
        {
            throw Undecodable("empty binary frame");
        }

        var codecByte = binaryFrame.Span[0];
        var codec = (CompressionCodec)codecByte;
        if (codec is not (CompressionCodec.Deflate or CompressionCodec.Brotli or CompressionCodec.Zstd) || !accepted.Contains(codec))
        {
            throw Undecodable($"codec 0x{codecByte:x2} was not negotiated");
        }

        var body = binaryFrame[1..];
        var payload = MemoryMarshal.TryGetArray(body, out var segment) ? segment : new ArraySegment<byte>(body.ToArray());
        try
        {
            using var input = new MemoryStream(payload.Array!, payload.Offset, payload.Count, writable: false);
            using Stream decoder = codec switch
            {
                CompressionCodec.Deflate => new DeflateStream(input, CompressionMode.Decompress),
                CompressionCodec.Brotli => new BrotliStream(input, CompressionMode.Decompress),
                _ => new DecompressionStream(input),
            };
            return ReadBounded(decoder, maxBytes);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or IOException or InvalidOperationException)
        {
            throw Undecodable($"corrupt {CompressionCodecNames.Name(codec)} data: {e.Message}");
        }
    }

    private static byte[] ReadBounded(Stream decoder, int maxBytes)
    {
        // Grow geometrically up to maxBytes, then probe for one more byte: its presence proves the frame is
        // too large, and neither a small frame nor a bomb ever rents more than a maxBytes buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(maxBytes, 1, 64 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                var capacity = Math.Min(buffer.Length, maxBytes);
                if (length == capacity)
                {
                    if (capacity == maxBytes)
                    {
                        Span<byte> probe = stackalloc byte[1];
                        if (decoder.Read(probe) > 0)
                        {
                            throw new ProtocolException(ErrorCodes.TooLarge, $"decompressed frame exceeds maxFrameBytes ({maxBytes})");
                        }

                        break;
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)capacity * 2, maxBytes));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                    continue;
                }

                var read = decoder.Read(buffer, length, Math.Min(ChunkBytes, capacity - length));
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length == 0)
            {
                throw Undecodable("compressed frame decodes to nothing");
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ProtocolException Undecodable(string message) =>
        new(ErrorCodes.InvalidFrame, message) { Undecodable = true };
}
