using System.IO.Compression;
using System.Text;
using ChatResilience.Protocol.Compression;
using ChatResilience.Protocol.Connections;
using ZstdSharp;

namespace ChatResilience.Protocol.Tests.Compression;

public sealed class FrameCompressionTests
{
    private static readonly IReadOnlySet<CompressionCodec> All = new HashSet<CompressionCodec> { CompressionCodec.Deflate, CompressionCodec.Brotli, CompressionCodec.Zstd };

    public static TheoryData<CompressionCodec> Codecs => [CompressionCodec.Deflate, CompressionCodec.Brotli, CompressionCodec.Zstd];

    public static TheoryData<CompressionCodec, int> CodecLevels => new()
    {
        { CompressionCodec.Deflate, 1 }, { CompressionCodec.Deflate, 6 }, { CompressionCodec.Deflate, 9 },
        { CompressionCodec.Brotli, 1 }, { CompressionCodec.Brotli, 4 }, { CompressionCodec.Brotli, 11 },
        { CompressionCodec.Zstd, 1 }, { CompressionCodec.Zstd, 3 }, { CompressionCodec.Zstd, 19 },
    };

    [Theory]
    [MemberData(nameof(CodecLevels))]
    public void Compress_ThenDecompress_GivesTheSameBytes(CompressionCodec codec, int level)
    {
        var json = Json(20_000);

        var frame = FrameCompression.Compress(codec, json, level);

        Assert.Equal((byte)codec, frame[0]);
        Assert.True(frame.Length < json.Length / 2, $"{codec}-{level}: {frame.Length} of {json.Length} B");
        Assert.Equal(json, FrameCompression.Decompress(frame, All, 1 << 20));
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decompress_ExactlyMaxBytes_IsAccepted_OneMoreIsTooLarge(CompressionCodec codec)
    {
        var json = Json(5000);
        var frame = FrameCompression.Compress(codec, json);

        Assert.Equal(json.Length, FrameCompression.Decompress(frame, All, json.Length).Length);
        var e = Assert.Throws<ProtocolException>(() => FrameCompression.Decompress(frame, All, json.Length - 1));
        Assert.Equal(ErrorCodes.TooLarge, e.Code);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void BombBuilder_MakesValidStreams_OfExactlyTheClaimedSize(CompressionCodec codec)
    {
        // Proves the periodic construction on a size a test can afford to decode in full.
        var bomb = CompressionBomb.Build(codec, segments: 3);
        using var input = new MemoryStream(bomb, 1, bomb.Length - 1);
        using Stream decoder = codec switch
        {
            CompressionCodec.Deflate => new DeflateStream(input, CompressionMode.Decompress),
            CompressionCodec.Brotli => new BrotliStream(input, CompressionMode.Decompress),
            _ => new DecompressionStream(input),
        };
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = decoder.Read(buffer)) > 0)
        {
            Assert.True(buffer.AsSpan(0, read).IndexOfAnyExcept((byte)0) < 0);
            total += read;
        }

        Assert.Equal(3L * CompressionBomb.SegmentBytes, total);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decompress_OneGigabyteBomb_IsTooLarge_QuicklyAndWithBoundedMemory(CompressionCodec codec)
    {
        var bomb = CompressionBomb.Build(codec, segments: 256); // 256 × 4 MiB = 1 GiB of zeros
        Assert.True(bomb.Length <= FrameLimits.DefaultMaxFrameBytes, $"{codec} bomb is {bomb.Length} B");
        var transcoder = new FrameTranscoder(FrameLimits.Default);
        var message = new WireMessage(bomb, IsBinary: true);
        Assert.Throws<ProtocolException>(() => transcoder.Decode(message)); // warm pools and code paths

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = TimeProvider.System.GetTimestamp();
        var e = Assert.Throws<ProtocolException>(() => transcoder.Decode(message));
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(ErrorCodes.TooLarge, e.Code);
        Assert.True(allocated < 4 << 20, $"{codec}: decoding the bomb allocated {allocated:N0} B");
        // Decoding the whole gigabyte takes many seconds; stopping at 1 MiB takes milliseconds.
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"{codec}: took {elapsed}");
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decompress_TruncatedAtEveryPoint_IsUndecodableInvalidFrame(CompressionCodec codec)
    {
        // Every prefix, down to the codec byte plus one: deflate and brotli used to end quietly at the cut and
        // return a shorter payload (cutting only the last byte of deflate even gave back the whole JSON).
        var frame = FrameCompression.Compress(codec, Json(5000));

        for (var cut = frame.Length - 1; cut >= 2; cut--)
        {
            var e = Assert.Throws<ProtocolException>(() => FrameCompression.Decompress(frame.AsSpan(0, cut), All, 1 << 20));
            Assert.True((ErrorCodes.InvalidFrame, true) == (e.Code, e.Undecodable), $"{codec} cut at {cut} of {frame.Length}: {e.Code} {e.Message}");
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decode_TruncatedCompressedFrame_IsUndecodable_SoTheServerCloses1007(CompressionCodec codec)
    {
        var frame = FrameCompression.Compress(codec, Json(5000));
        var transcoder = new FrameTranscoder(FrameLimits.Default);

        foreach (var cut in new[] { 2, frame.Length / 4, frame.Length / 2, frame.Length - 1 })
        {
            var e = Assert.Throws<ProtocolException>(() => transcoder.Decode(new WireMessage(frame.AsMemory(0, cut), IsBinary: true)));
            Assert.True((ErrorCodes.InvalidFrame, true) == (e.Code, e.Undecodable), $"{codec} cut at {cut}: {e.Code} {e.Message}");
        }
    }

    public static TheoryData<CompressionCodec, byte[]> TrailingData => new()
    {
        { CompressionCodec.Deflate, [0x00] }, { CompressionCodec.Deflate, [0x01, 0x02, 0x03] }, { CompressionCodec.Deflate, [.. Enumerable.Repeat((byte)0xAB, 100)] },
        { CompressionCodec.Brotli, [0x00] }, { CompressionCodec.Brotli, [0x01, 0x02, 0x03] }, { CompressionCodec.Brotli, [.. Enumerable.Repeat((byte)0xAB, 100)] },
        { CompressionCodec.Zstd, [0x00] }, { CompressionCodec.Zstd, [0x01, 0x02, 0x03] }, { CompressionCodec.Zstd, [.. Enumerable.Repeat((byte)0xAB, 100)] },
    };

    [Theory]
    [MemberData(nameof(TrailingData))]
    public void Decompress_TrailingGarbage_IsUndecodableInvalidFrame(CompressionCodec codec, byte[] garbage)
    {
        byte[] frame = [.. FrameCompression.Compress(codec, Json(5000)), .. garbage];

        var e = Assert.Throws<ProtocolException>(() => FrameCompression.Decompress(frame, All, 1 << 20));

        Assert.Equal((ErrorCodes.InvalidFrame, true), (e.Code, e.Undecodable));
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decompress_SmallAndOddSizes_RoundTrip(CompressionCodec codec)
    {
        // The end checks must not reject valid streams of any length, including one-byte payloads.
        foreach (var size in new[] { 1, 2, 7, 100, 1023, 8191, 8192, 8193, 65_535, 65_536, 65_537, 300_000 })
        {
            var json = Json(size).AsSpan(0, size).ToArray();
            var frame = FrameCompression.Compress(codec, json);
            Assert.Equal(json, FrameCompression.Decompress(frame, All, 1 << 20));
            Assert.Equal(json, FrameCompression.Decompress(frame, All, size));
        }

        // Incompressible bytes (deflate level 0 = stored blocks) end the stream differently.
        var noise = new byte[20_000];
        new Random(7).NextBytes(noise);
        var stored = FrameCompression.Compress(codec, noise, codec == CompressionCodec.Deflate ? 0 : null);
        Assert.Equal(noise, FrameCompression.Decompress(stored, All, noise.Length));
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decompress_Garbled_IsUndecodableInvalidFrame(CompressionCodec codec)
    {
        var frame = FrameCompression.Compress(codec, Json(5000));
        for (var i = 1; i < frame.Length; i += 3)
        {
            frame[i] ^= 0x5A;
        }

        var e = Assert.Throws<ProtocolException>(() => FrameCompression.Decompress(frame, All, 1 << 20));

        Assert.Equal((ErrorCodes.InvalidFrame, true), (e.Code, e.Undecodable));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x04)]
    [InlineData(0xFF)]
    public void Decompress_UnknownCodecByte_IsRejected(byte codecByte)
    {
        var frame = FrameCompression.Compress(CompressionCodec.Zstd, Json(2000));
        frame[0] = codecByte;

        var e = Assert.Throws<ProtocolException>(() => FrameCompression.Decompress(frame, All, 1 << 20));

        Assert.Equal((ErrorCodes.InvalidFrame, true), (e.Code, e.Undecodable));
    }

    [Fact]
    public void Decompress_CodecNotNegotiated_IsRejected()
    {
        var frame = FrameCompression.Compress(CompressionCodec.Brotli, Json(2000));
        var onlyZstd = new HashSet<CompressionCodec> { CompressionCodec.Zstd };

        var e = Assert.Throws<ProtocolException>(() => FrameCompression.Decompress(frame, onlyZstd, 1 << 20));

        Assert.Equal((ErrorCodes.InvalidFrame, true), (e.Code, e.Undecodable));
    }

    [Fact]
    public void Decompress_EmptyFrame_IsRejected()
    {
        var e = Assert.Throws<ProtocolException>(() => FrameCompression.Decompress([], All, 1 << 20));

        Assert.Equal((ErrorCodes.InvalidFrame, true), (e.Code, e.Undecodable));
    }

    [Fact]
    public void DefaultLevels_AreTheDocumentedOnes()
    {
        Assert.Equal(6, FrameCompression.DefaultLevel(CompressionCodec.Deflate));
        Assert.Equal(4, FrameCompression.DefaultLevel(CompressionCodec.Brotli));
        Assert.Equal(1, FrameCompression.DefaultLevel(CompressionCodec.Zstd));
    }

    internal static byte[] Json(int approxBytes)
    {
        var sb = new StringBuilder("""{"t":"page","room":"lobby","msgs":[""");
        for (var i = 0; sb.Length < approxBytes; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append($$"""{"room":"lobby","epoch":1,"seq":{{i + 1}},"id":"m-{{i}}","from":"user{{i % 7}}","clientId":"c-{{i % 7}}","clientSeq":{{i}},"body":"message number {{i}} says hello to the room","sentAt":{{1764000000000 + i}},"basis":{{i}},"at":{{1764000000100 + i}}}""");
        }

        return Encoding.UTF8.GetBytes(sb.Append("""],"head":1,"more":false}""").ToString());
    }
}
