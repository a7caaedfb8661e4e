using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Compression;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Protocol.Tests.Compression;

namespace ChatResilience.Protocol.Tests.Connections;

public sealed class FrameTranscoderTests
{
    private static readonly CompressionPolicy Threshold100 = new() { ThresholdBytes = 100 };

    [Fact]
    public void Encode_BeforeNegotiation_IsAlwaysText()
    {
        var transcoder = new FrameTranscoder(FrameLimits.Default, Threshold100);

        var message = transcoder.Encode(BigSend());

        Assert.False(message.IsBinary);
        Assert.Equal(CompressionCodec.None, transcoder.SendCodec);
    }

    [Fact]
    public void Wrap_RespectsTheThreshold_BelowIsText_AtIsBinary()
    {
        var transcoder = new FrameTranscoder(FrameLimits.Default, Threshold100);
        transcoder.Negotiate(["zstd"]);
        var json = FrameCompressionTests.Json(2000);

        Assert.False(transcoder.Wrap(json.AsMemory(0, 99)).IsBinary);
        var at = transcoder.Wrap(json.AsMemory(0, 100));
        Assert.True(at.IsBinary);
        Assert.Equal((byte)CompressionCodec.Zstd, at.Payload.Span[0]);
    }

    [Theory]
    [InlineData(new[] { "brotli", "deflate" }, CompressionCodec.Deflate)]
    [InlineData(new[] { "brotli" }, CompressionCodec.Brotli)]
    [InlineData(new[] { "deflate", "zstd" }, CompressionCodec.Zstd)]
    [InlineData(new[] { "lz4", "snappy" }, CompressionCodec.None)]
    [InlineData(new string[0], CompressionCodec.None)]
    public void Negotiate_PicksTheFirstPreferredCodecThePeerAccepts(string[] peer, CompressionCodec expected)
    {
        var transcoder = new FrameTranscoder(FrameLimits.Default, Threshold100);

        transcoder.Negotiate(peer);

        Assert.Equal(expected, transcoder.SendCodec);
        var message = transcoder.Encode(BigSend());
        Assert.Equal(expected != CompressionCodec.None, message.IsBinary);
        if (message.IsBinary)
        {
            Assert.Equal((byte)expected, message.Payload.Span[0]);
        }
    }

    [Fact]
    public void Wrap_BelowThreshold_SharesTheCallersBytes()
    {
        var transcoder = new FrameTranscoder(FrameLimits.Default, Threshold100);
        transcoder.Negotiate(["zstd"]);
        ReadOnlyMemory<byte> json = FrameCodec.EncodeToArray(new PingFrame { Ts = 1 });

        var message = transcoder.Wrap(json);

        Assert.True(message.Payload.Equals(json), "the payload must be the same memory, not a copy");
    }

    [Fact]
    public void Decode_ReadsWhatTheOtherSideEncoded_TextAndCompressed()
    {
        var sender = new FrameTranscoder(FrameLimits.Default, Threshold100);
        var receiver = new FrameTranscoder(FrameLimits.Default);
        sender.Negotiate(receiver.AcceptedNames);
        var big = BigSend();
        var small = new PingFrame { Ts = 5 };

        var bigMessage = sender.Encode(big);
        Assert.True(bigMessage.IsBinary);
        Assert.Equivalent(big, receiver.Decode(bigMessage), strict: true);
        Assert.Equal(small, receiver.Decode(sender.Encode(small)));
    }

    [Fact]
    public void Decode_CodecThisSideDoesNotAccept_IsRejected()
    {
        var sender = new FrameTranscoder(FrameLimits.Default, Threshold100);
        sender.Negotiate(["brotli"]);
        var receiver = new FrameTranscoder(FrameLimits.Default, accepted: new HashSet<CompressionCodec> { CompressionCodec.Zstd });

        var e = Assert.Throws<ProtocolException>(() => receiver.Decode(sender.Encode(BigSend())));

        Assert.Equal((ErrorCodes.InvalidFrame, true), (e.Code, e.Undecodable));
        Assert.Equal(["zstd"], receiver.AcceptedNames);
    }

    [Fact]
    public void Decode_UsesTheAdoptedLimits()
    {
        var receiver = new FrameTranscoder(FrameLimits.Default);
        var json = FrameCodec.EncodeToArray(BigSend());
        receiver.UseLimits(new FrameLimits { MaxFrameBytes = json.Length - 1 });

        var e = Assert.Throws<ProtocolException>(() => receiver.Decode(WireMessage.Text(json)));

        Assert.Equal(ErrorCodes.TooLarge, e.Code);
    }

    private static SendFrame BigSend() =>
        new() { Id = "m-1", Seq = 1, Room = "lobby", Body = string.Concat(Enumerable.Repeat("hello chat ", 100)), SentAt = 1, Basis = 0 };
}
