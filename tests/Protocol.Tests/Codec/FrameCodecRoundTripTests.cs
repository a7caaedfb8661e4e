using System.Buffers;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Tests.Frames;

namespace ChatResilience.Protocol.Tests.Codec;

public sealed class FrameCodecRoundTripTests
{
    [Theory]
    [MemberData(nameof(SampleFrames.Cases), MemberType = typeof(SampleFrames))]
    public void Decode_OfEncode_GivesAnEqualFrame(string name, bool full)
    {
        var frame = SampleFrames.Get(name, full);
        var bytes = FrameCodec.EncodeToArray(frame);

        var decoded = FrameCodec.Decode(bytes);

        Assert.IsType(frame.GetType(), decoded);
        // Records compare collections by reference, so compare structurally and by re-encoding.
        Assert.Equivalent(frame, decoded, strict: true);
        Assert.Equal(bytes, FrameCodec.EncodeToArray(decoded));
    }

    [Theory]
    [MemberData(nameof(SampleFrames.Cases), MemberType = typeof(SampleFrames))]
    public void Encode_IntoBufferWriter_AppendsTheSameBytesAsEncodeToArray(string name, bool full)
    {
        var frame = SampleFrames.Get(name, full);
        var output = new ArrayBufferWriter<byte>();
        output.Write("prefix"u8);

        FrameCodec.Encode(frame, output);

        Assert.Equal([.. "prefix"u8, .. FrameCodec.EncodeToArray(frame)], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_Msg_AllocationIsSmallAndIndependentOfTheBody()
    {
        // The target is 0 B; System.Text.Json's polymorphic write path still allocates its stack of
        // frames (~340 B) per call. This pins that it stays a small constant, never proportional to the frame.
        var output = new ArrayBufferWriter<byte>(256 * 1024);
        var small = (Protocol.Frames.MsgFrame)SampleFrames.Get("msg", full: true);
        var large = small with { Body = new string('x', 60_000) };

        Assert.True(Allocated(small, output) <= 512, $"small msg: {Allocated(small, output)} B");
        Assert.True(Allocated(large, output) <= 512, $"large msg: {Allocated(large, output)} B");
    }

    private static long Allocated(Protocol.Frames.Frame frame, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        FrameCodec.Encode(frame, output); // warm the per-thread writer and metadata
        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        FrameCodec.Encode(frame, output);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
