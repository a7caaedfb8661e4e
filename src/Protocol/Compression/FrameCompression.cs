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
    /// <paramref name="accepted"/>, or data that is corrupt, truncated, or followed by trailing bytes.
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
        var json = codec switch
        {
            CompressionCodec.Deflate => DecompressDeflate(payload, maxBytes),
            CompressionCodec.Brotli => BrotliBounded.Decompress(payload, maxBytes),
            _ => DecompressZstd(payload, maxBytes),
        };
        return json.Length > 0 ? json : throw Undecodable("compressed frame decodes to nothing");
    }

    internal static ProtocolException Undecodable(string message) =>
        new(ErrorCodes.InvalidFrame, message) { Undecodable = true };

    internal static ProtocolException TooLarge(int maxBytes) =>
        new(ErrorCodes.TooLarge, $"decompressed frame exceeds maxFrameBytes ({maxBytes})");

    private static byte[] DecompressDeflate(ArraySegment<byte> payload, int maxBytes)
    {
        var input = new DeflateEndProbe(payload);
        byte[] json;
        try
        {
            using var decoder = new DeflateStream(input, CompressionMode.Decompress);
            json = ReadBounded(decoder, maxBytes);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw Undecodable($"corrupt deflate data: {e.Message}");
        }

        if (input.AskedPastEnd)
        {
            throw Undecodable("truncated deflate stream");
        }

        return input.LastByteDelivered ? json : throw Undecodable("trailing data after the deflate stream");
    }

    private static byte[] DecompressZstd(ArraySegment<byte> payload, int maxBytes)
    {
        try
        {
            using var input = new MemoryStream(payload.Array!, payload.Offset, payload.Count, writable: false);
            using var decoder = new DecompressionStream(input);
            return ReadBounded(decoder, maxBytes);
        }
        catch (Exception e) when (e is ZstdException or IOException or InvalidOperationException)
        {
            throw Undecodable($"corrupt zstd data: {e.Message}");
        }
    }

    private static byte[] ReadBounded(Stream decoder, int maxBytes)
    {
        var output = new BoundedOutput(maxBytes);
        Span<byte> probe = stackalloc byte[1];
        try
        {
            while (true)
            {
                var free = output.Free;
                if (free.IsEmpty)
                {
                    if (!output.AtBound)
                    {
                        output.Grow();
                        continue;
                    }

                    // At the bound: one more byte proves the frame is too large without decoding the rest.
                    if (decoder.Read(probe) > 0)
                    {
                        throw TooLarge(maxBytes);
                    }

                    return output.ToArray();
                }

                var read = decoder.Read(free[..Math.Min(ChunkBytes, free.Length)]);
                if (read == 0)
                {
                    return output.ToArray();
                }

                output.Advance(read);
            }
        }
        finally
        {
            output.Dispose();
        }
    }
}
