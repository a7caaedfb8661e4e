using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using CsCheck;

namespace ChatResilience.Protocol.Tests.Codec;

public sealed class FrameCodecPropertyTests
{
    private static readonly Gen<byte[]> MutatedFrame = Gen.Select(FrameGen.Any, Gen.Int[1, 8].SelectMany(n => Gen.Select(Gen.Int[0, 4], Gen.Int, Gen.Byte).Array[n]),
        (frame, edits) =>
        {
            var bytes = new List<byte>(FrameCodec.EncodeToArray(frame));
            foreach (var (kind, at, value) in edits)
            {
                if (bytes.Count == 0)
                {
                    break;
                }

                var i = (int)((uint)at % (uint)bytes.Count);
                switch (kind)
                {
                    case 0: bytes[i] = value; break;
                    case 1: bytes.RemoveAt(i); break;
                    case 2: bytes.Insert(i, value); break;
                    case 3: bytes.RemoveRange(i, bytes.Count - i); break;
                    default: bytes.InsertRange(i, bytes.GetRange(i, Math.Min(12, bytes.Count - i))); break;
                }
            }

            return bytes.ToArray();
        });

    [Fact]
    public void RandomValidFrames_RoundTrip()
    {
        FrameGen.Any.Sample(frame =>
        {
            var bytes = FrameCodec.EncodeToArray(frame);
            var decoded = FrameCodec.Decode(bytes);
            Assert.Equivalent(frame, decoded, strict: true);
            Assert.Equal(bytes, FrameCodec.EncodeToArray(decoded));
        }, iter: 3000);
    }

    [Fact]
    public void HandWrittenWriters_WriteExactlyWhatTheGenericPathWrites()
    {
        FrameGen.Any.Where(f => f is Protocol.Frames.MsgFrame or Protocol.Frames.SendFrame or Protocol.Frames.AckFrame or Protocol.Frames.PageFrame).Sample(frame =>
        {
            var generic = new System.Buffers.ArrayBufferWriter<byte>(); // Sample runs on several threads
            FrameCodec.Encode(frame, generic, handWritten: false);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(generic.WrittenSpan), System.Text.Encoding.UTF8.GetString(FrameCodec.EncodeToArray(frame)));
        }, iter: 3000);
    }

    [Fact]
    public void RandomBytes_NeverThrowAnythingButProtocolException()
    {
        Gen.Byte.Array[0, 400].Sample(DecodeBothWays, iter: 20_000);
    }

    [Fact]
    public void RandomJsonishText_NeverThrowsAnythingButProtocolException()
    {
        Gen.Char["{}[]\":,tsqidroombody0123456789-.eE nulltruefalse\\u"].Array[0, 200]
            .Select(a => System.Text.Encoding.UTF8.GetBytes(a))
            .Sample(DecodeBothWays, iter: 20_000);
    }

    [Fact]
    public void MutatedValidFrames_NeverThrowAnythingButProtocolException()
    {
        MutatedFrame.Sample(DecodeBothWays, iter: 20_000);
    }

    private static void DecodeBothWays(byte[] bytes)
    {
        var transcoder = new FrameTranscoder(FrameLimits.Default);
        foreach (var binary in (bool[])[false, true])
        {
            try
            {
                transcoder.Decode(new WireMessage(bytes, binary));
            }
            catch (ProtocolException e)
            {
                Assert.Contains(e.Code, (string[])[ErrorCodes.InvalidFrame, ErrorCodes.UnknownType, ErrorCodes.TooLarge]);
            }
        }
    }
}
