using System.Text.Json;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Frames;
using CsCheck;

namespace ChatResilience.Protocol.Tests.Codec;

/// <summary>
/// The hand-written readers for msg/send/ack/page must agree with the generic source-generated path: on valid
/// frames they return the same frame, and whenever they accept mutated input the generic path accepts it
/// too and reads the same frame (otherwise they must decline and leave the error to the generic path).
/// </summary>
public sealed class FrameReaderTests
{
    private static readonly Gen<Frame> HotFrame = FrameGen.Any.Where(f => f is MsgFrame or SendFrame or AckFrame or PageFrame);

    [Fact]
    public void ValidHotFrames_ReadLikeTheGenericPath()
    {
        HotFrame.Sample(frame =>
        {
            var bytes = FrameCodec.EncodeToArray(frame);
            var fast = FrameReader.TryRead(bytes);
            Assert.NotNull(fast);
            Assert.Equal(bytes, FrameCodec.EncodeToArray(fast));
        }, iter: 5_000);
    }

    [Fact]
    public void MutatedHotFrames_AcceptedOnlyWhereTheGenericPathAgrees()
    {
        var edits = Gen.Select(Gen.Int[0, 2], Gen.Int, Gen.Char["{}[]\":,0123456789-.e nulltruefalse"]).Array[1, 4];
        Gen.Select(HotFrame, edits).Sample((frame, changes) =>
        {
            var text = new List<char>(System.Text.Encoding.UTF8.GetString(FrameCodec.EncodeToArray(frame)));
            foreach (var (op, at, c) in changes)
            {
                var i = (int)((uint)at % (uint)Math.Max(1, text.Count));
                switch (op)
                {
                    case 0 when text.Count > 0: text[i] = c; break;
                    case 1: text.Insert(i, c); break;
                    default: if (text.Count > 0) { text.RemoveAt(i); } break;
                }
            }

            var bytes = System.Text.Encoding.UTF8.GetBytes([.. text]);
            var fast = FrameReader.TryRead(bytes);
            if (fast is null)
            {
                return;
            }

            var generic = JsonSerializer.Deserialize(bytes, ProtocolJsonContext.Default.Frame);
            Assert.NotNull(generic);
            Assert.Equal(FrameCodec.EncodeToArray(generic), FrameCodec.EncodeToArray(fast));
        }, iter: 20_000);
    }

    [Theory]
    [InlineData("""{"t":"msg","room":"a","seq":1}""")]
    [InlineData("""{"t":"send","id":"m","seq":null,"room":"a","body":"","sentAt":1}""")]
    [InlineData("""{"t":"ack","id":"m","seq":1,"room":"a","t":"nack"}""")]
    [InlineData("""{"t":"ack","id":"m","seq":1,"room":"a"} x""")]
    [InlineData("""{"t":"send","id":"m","seq":1.5,"room":"a","body":"","sentAt":1}""")]
    [InlineData("""{"t":"send","id":"m","seq":1,"room":"a","body":"","sentAt":1,"meta":{"k":1}}""")]
    [InlineData("""{"t":"page","room":"a","msgs":null}""")]
    [InlineData("""{"t":"page","room":"a","head":1}""")]
    [InlineData("""{"t":"page","room":"a","msgs":[{"t":"msg","room":"a","seq":1,"id":"m","from":"u","clientId":"c","body":""}]}""")]
    [InlineData("""{"t":"page","room":"a","msgs":[{"room":"a","seq":1}]}""")]
    public void UnusualInput_IsLeftToTheGenericPath(string json)
    {
        Assert.Null(FrameReader.TryRead(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}
