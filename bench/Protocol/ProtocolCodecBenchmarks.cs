using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Bench.Protocol;

/// <summary>
/// FrameCodec (source-generated metadata, pooled writer, validation on decode) against reflection-based
/// System.Text.Json on the same records, for the hot frames. Each category has its own baseline so the
/// Ratio column reads "codec time / reflection time" for that operation and frame.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ProtocolCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private Utf8JsonWriter _reflectionWriter = null!;
    private Frame _frame = null!;
    private byte[] _json = null!;

    /// <summary>The frame kinds on the hot path.</summary>
    public enum FrameKind
    {
        Msg,
        Send,
        Ack,
        Page100,
    }

    [Params(FrameKind.Msg, FrameKind.Send, FrameKind.Ack, FrameKind.Page100)]
    public FrameKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var msgs = ChatContent.Messages(100);
        var m = msgs[3];
        _frame = Kind switch
        {
            FrameKind.Msg => m,
            FrameKind.Send => new SendFrame { Id = m.Id, Seq = m.ClientSeq, Room = m.Room, Body = m.Body, SentAt = m.SentAt, Basis = m.Basis },
            FrameKind.Ack => new AckFrame { Id = m.Id, Seq = m.ClientSeq, Room = m.Room, RoomSeq = m.Seq, Dup = false },
            _ => new PageFrame { Room = m.Room, Msgs = msgs, Head = 100, More = true, Rid = "h-1" },
        };
        _json = FrameCodec.EncodeToArray(_frame);
        _reflectionWriter = new Utf8JsonWriter(_output, ReflectionBaseline.WriterOptions);

        // Both sides must write the same bytes, or the comparison is meaningless.
        var reflected = JsonSerializer.SerializeToUtf8Bytes(_frame, ReflectionBaseline.Options);
        if (!reflected.AsSpan().SequenceEqual(_json))
        {
            throw new InvalidOperationException("reflection baseline writes different JSON than FrameCodec");
        }
    }

    [BenchmarkCategory("Encode"), Benchmark(Baseline = true)]
    public int Encode_Reflection()
    {
        _output.ResetWrittenCount();
        _reflectionWriter.Reset(_output);
        JsonSerializer.Serialize(_reflectionWriter, _frame, ReflectionBaseline.Options);
        return _output.WrittenCount;
    }

    [BenchmarkCategory("Encode"), Benchmark]
    public int Encode_FrameCodec()
    {
        _output.ResetWrittenCount();
        FrameCodec.Encode(_frame, _output);
        return _output.WrittenCount;
    }

    [BenchmarkCategory("Decode"), Benchmark(Baseline = true)]
    public Frame? Decode_Reflection() => JsonSerializer.Deserialize<Frame>(_json, ReflectionBaseline.Options);

    [BenchmarkCategory("Decode"), Benchmark]
    public Frame Decode_FrameCodec() => FrameCodec.Decode(_json);
}
