using System.Text;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Protocol.Tests.Codec;

public sealed class FrameCodecSmokeTests
{
    [Fact]
    public void Encode_Send_WritesTypeFirstAndCamelCase()
    {
        var frame = new SendFrame { Id = "m1", Seq = 1, Room = "lobby", Body = "héllo <b>", SentAt = 1700000000000, Basis = 0 };
        var json = Encoding.UTF8.GetString(FrameCodec.EncodeToArray(frame));
        Assert.Equal("""{"t":"send","id":"m1","seq":1,"room":"lobby","body":"héllo <b>","sentAt":1700000000000,"basis":0}""", json);
        Assert.Equal(frame, FrameCodec.Decode(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"t":"nope"}""", ErrorCodes.UnknownType)]
    [InlineData("""{"x":1}""", ErrorCodes.InvalidFrame)]
    [InlineData("""[1]""", ErrorCodes.InvalidFrame)]
    [InlineData("""null""", ErrorCodes.InvalidFrame)]
    [InlineData("""{"t":"send","id":"a","seq":"x"}""", ErrorCodes.InvalidFrame)]
    [InlineData("""{"t":"join"}""", ErrorCodes.InvalidFrame)]
    [InlineData("""{"t":"join","room":"Bad"}""", ErrorCodes.InvalidFrame)]
    [InlineData("""{"t":"join","room":null}""", ErrorCodes.InvalidFrame)]
    [InlineData("""{"room":"a","t":"join","after":-1}""", ErrorCodes.InvalidFrame)]
    [InlineData("""{"t":"ping","ts":1.5}""", ErrorCodes.InvalidFrame)]
    [InlineData("""{"t":"ping","ts":9007199254740992}""", ErrorCodes.InvalidFrame)]
    public void Decode_Invalid_ThrowsTypedCode(string json, string code)
    {
        var e = Assert.Throws<ProtocolException>(() => FrameCodec.Decode(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Decode_InvalidSend_SalvagesIdAndSeq()
    {
        var e = Assert.Throws<ProtocolException>(() => FrameCodec.Decode("""{"t":"send","id":"m9","seq":7,"room":"UPPER","body":"x","sentAt":1}"""u8));
        Assert.Equal(("m9", 7L), (e.SendId, e.SendSeq));
        var e2 = Assert.Throws<ProtocolException>(() => FrameCodec.Decode("""{"t":"send","id":"m9","seq":7,"room":"a","body":5,"sentAt":1}"""u8));
        Assert.Equal(("m9", 7L, ErrorCodes.InvalidFrame), (e2.SendId, e2.SendSeq, e2.Code));
    }

    [Fact]
    public void Decode_TypeNotFirst_Works()
    {
        var f = FrameCodec.Decode("""{"room":"a","x":{"deep":[1,2]},"t":"join","after":3}"""u8);
        Assert.Equal(new JoinFrame { Room = "a", After = 3 }, f);
    }
}
