using System.Buffers;
using System.IO.Compression;

namespace ChatResilience.Protocol.Compression;

/// <summary>
/// Brotli through <see cref="BrotliDecoder"/> rather than BrotliStream: the decoder's status says whether the
/// stream really ended (BrotliStream ends quietly on a truncated input and ignores trailing bytes).
/// </summary>
internal static class BrotliBounded
{
    public static byte[] Decompress(ReadOnlySpan<byte> input, int maxBytes)
    {
        using var decoder = new BrotliDecoder();
        var output = new BoundedOutput(maxBytes);
        try
        {
            while (true)
            {
                var status = decoder.Decompress(input, output.Free, out var consumed, out var written);
                input = input[consumed..];
                output.Advance(written);
                switch (status)
                {
                    case OperationStatus.Done when input.IsEmpty:
                        return output.ToArray();
                    case OperationStatus.Done:
                        throw FrameCompression.Undecodable($"{input.Length} bytes of trailing data after the brotli stream");
                    case OperationStatus.NeedMoreData:
                        throw FrameCompression.Undecodable("truncated brotli stream");
                    case OperationStatus.DestinationTooSmall when output.Free.IsEmpty:
                        output.Grow();
                        break;
                    case OperationStatus.DestinationTooSmall when consumed + written > 0:
                        break;
                    default:
                        throw FrameCompression.Undecodable("corrupt brotli data");
                }
            }
        }
        finally
        {
            output.Dispose();
        }
    }
}
