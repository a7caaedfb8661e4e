using BenchmarkDotNet.Attributes;
using ChatResilience.Protocol.Compression;

namespace ChatResilience.Bench.Protocol;

/// <summary>
/// Bounded decompression (the receive path) per codec at its default level; decompression speed barely
/// depends on the level the sender used, so one level per codec keeps the default-job run short.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CompressionColumnsConfig))]
public class ProtocolDecompressionBenchmarks
{
    private static readonly IReadOnlySet<CompressionCodec> Accepted = new HashSet<CompressionCodec> { CompressionCodec.Deflate, CompressionCodec.Brotli, CompressionCodec.Zstd };
    private byte[] _compressed = null!;

    [Params(ChatContent.FrameSize.Small200B, ChatContent.FrameSize.Medium2KB, ChatContent.FrameSize.Large64KB)]
    public ChatContent.FrameSize Size { get; set; }

    [Params("deflate-6", "brotli-4", "zstd-3")]
    public string CodecLevel { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var (codec, level) = CodecLevelName.Parse(CodecLevel);
        _compressed = FrameCompression.Compress(codec, ChatContent.FrameJson(Size), level);
    }

    [Benchmark]
    public int Decompress() => FrameCompression.Decompress(_compressed, Accepted, 1024 * 1024).Length;
}
