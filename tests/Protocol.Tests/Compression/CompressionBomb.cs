using System.IO.Compression;
using ChatResilience.Protocol.Compression;
using ZstdSharp;

namespace ChatResilience.Protocol.Tests.Compression;

/// <summary>
/// Builds "N × 4 MiB of zeros" binary frames without compressing N × 4 MiB: each codec, flushed after
/// every segment of zeros, emits the same bytes for every segment once its window is full of zeros, so
/// the stream is head + steady segment × (N − 1) + tail. Only three segments are ever compressed.
/// </summary>
internal static class CompressionBomb
{
    public const int SegmentBytes = 4 << 20;

    private static readonly byte[] Zeros = new byte[SegmentBytes];

    /// <summary>Codec byte, then a valid stream that decompresses to <paramref name="segments"/> × 4 MiB of zeros.</summary>
    public static byte[] Build(CompressionCodec codec, int segments)
    {
        using var output = new MemoryStream();
        var ends = new long[3];
        using (var encoder = Open(codec, output))
        {
            for (var i = 0; i < 3; i++)
            {
                encoder.Write(Zeros);
                encoder.Flush();
                ends[i] = output.Length;
            }
        }

        var all = output.ToArray();
        var head = all.AsSpan(0, (int)ends[0]);
        var steady = all.AsSpan((int)ends[0], (int)(ends[1] - ends[0]));
        if (!steady.SequenceEqual(all.AsSpan((int)ends[1], (int)(ends[2] - ends[1]))))
        {
            throw new InvalidOperationException($"{codec} output is not periodic over zeros; cannot build a bomb this way");
        }

        var tail = all.AsSpan((int)ends[2]);
        var bomb = new byte[1 + head.Length + (steady.Length * (segments - 1)) + tail.Length];
        bomb[0] = (byte)codec;
        var at = 1;
        head.CopyTo(bomb.AsSpan(at));
        at += head.Length;
        for (var i = 1; i < segments; i++)
        {
            steady.CopyTo(bomb.AsSpan(at));
            at += steady.Length;
        }

        tail.CopyTo(bomb.AsSpan(at));
        return bomb;
    }

    private static Stream Open(CompressionCodec codec, Stream output) => codec switch
    {
        CompressionCodec.Deflate => new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true),
        CompressionCodec.Brotli => new BrotliStream(output, new BrotliCompressionOptions { Quality = 5 }, leaveOpen: true),
        _ => new CompressionStream(output, 3, 0, leaveOpen: true),
    };
}
