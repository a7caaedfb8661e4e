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

    [Theory]
    [InlineData("msg")]
    [InlineData("send")]
    [InlineData("ack")]
    [InlineData("page")]
    public void Encode_HotFrames_AllocateNothingButTheirOutput(string name)
    {
        var output = new ArrayBufferWriter<byte>(256 * 1024);
        var frame = SampleFrames.Get(name, full: true);

        Assert.Equal(0, Allocated(frame, output));
        Assert.Equal(0, Allocated(SampleFrames.Get(name, full: false), output));
    }

    [Fact]
    public void Encode_PageOf100_AllocatesNothingButItsOutput()
    {
        var output = new ArrayBufferWriter<byte>(256 * 1024);
        var page = new Protocol.Frames.PageFrame { Room = "lobby", Msgs = [.. Enumerable.Repeat((Protocol.Frames.MsgFrame)SampleFrames.Get("msg", full: true), 100)] };

        Assert.Equal(0, Allocated(page, output));
    }

    [Fact]
    public void Encode_OtherFrames_AllocateASmallConstant()
    {
        // The generic System.Text.Json path allocates its stack of frames (~340 B) per call.
        var output = new ArrayBufferWriter<byte>(4096);

        Assert.True(Allocated(SampleFrames.Get("welcome", full: true), output) <= 1024);
    }

    private static long Allocated(Protocol.Frames.Frame frame, ArrayBufferWriter<byte> output)
    {
        for (var i = 0; i < 3; i++)
        {
            output.ResetWrittenCount();
            FrameCodec.Encode(frame, output); // warm the per-thread writer and metadata
        }

        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        FrameCodec.Encode(frame, output);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
