using BenchmarkDotNet.Attributes;
using ChatResilience.Protocol.Compression;

namespace ChatResilience.Bench.Protocol;

/// <summary>
/// Compression time per codec and level on seeded chat frames of ~200 B, ~2 KB and ~64 KB. The MB/s
/// column is JSON input bytes per second; Ratio% is compressed size (codec byte included) / JSON size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CompressionColumnsConfig))]
public class ProtocolCompressionBenchmarks
{
    private byte[] _json = null!;
    private CompressionCodec _codec;
    private int _level;

    [Params(ChatContent.FrameSize.Small200B, ChatContent.FrameSize.Medium2KB, ChatContent.FrameSize.Large64KB)]
    public ChatContent.FrameSize Size { get; set; }

    [ParamsSource(nameof(CodecLevels))]
    public string CodecLevel { get; set; } = "";

    public static IEnumerable<string> CodecLevels => CodecLevelName.All;

    [GlobalSetup]
    public void Setup()
    {
        _json = ChatContent.FrameJson(Size);
        (_codec, _level) = CodecLevelName.Parse(CodecLevel);
    }

    [Benchmark]
    public int Compress() => FrameCompression.Compress(_codec, _json, _level).Length;
}
