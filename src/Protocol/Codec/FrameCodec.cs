using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using ChatResilience.Protocol.Frames;
using ChatResilience.Protocol.Validation;

namespace ChatResilience.Protocol.Codec;

/// <summary>
/// Reads and writes frames as UTF-8 JSON with source-generated metadata. Encoding writes straight into
/// a caller's <see cref="IBufferWriter{T}"/> through a per-thread reused <see cref="Utf8JsonWriter"/>, so a
/// frame costs nothing but its output bytes. Decoding never throws anything but <see cref="ProtocolException"/>.
/// </summary>
public static class FrameCodec
{
    // Non-ASCII text stays UTF-8 on the wire (smaller, and the bytes of the test vectors are stable);
    // frames are never embedded in HTML, so HTML-sensitive characters need no escaping.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>Writes <paramref name="frame"/> as JSON into <paramref name="output"/>.</summary>
    public static void Encode(Frame frame, IBufferWriter<byte> output) => Encode(frame, output, handWritten: true);

    /// <summary>
    /// <paramref name="handWritten"/> false forces the generic System.Text.Json path for every frame, so
    /// tests can prove the hand-written writers produce the same bytes.
    /// </summary>
    internal static void Encode(Frame frame, IBufferWriter<byte> output, bool handWritten)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            writer.Reset(output);
        }

        try
        {
            if (!handWritten || !FrameWriter.TryWrite(writer, frame))
            {
                JsonSerializer.Serialize(writer, frame, ProtocolJsonContext.Default.Frame);
            }

            writer.Flush();
        }
        finally
        {
            // Drop the reference to the caller's buffer; the writer itself is kept for the next frame.
            writer.Reset(NullBufferWriter.Instance);
        }
    }

    /// <summary>Encodes <paramref name="frame"/> into a new exact-size array (one allocation: the result).</summary>
    public static byte[] EncodeToArray(Frame frame)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        Encode(frame, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one frame with the default limits.</summary>
    public static Frame Decode(ReadOnlySpan<byte> utf8Json) => Decode(utf8Json, FrameLimits.Default);

    /// <summary>
    /// Decodes and validates one frame. Throws <see cref="ProtocolException"/> with <c>too_large</c>,
    /// <c>unknown_type</c> or <c>invalid_frame</c>; whatever the bytes, nothing else escapes.
    /// </summary>
    public static Frame Decode(ReadOnlySpan<byte> utf8Json, FrameLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (utf8Json.Length > limits.MaxFrameBytes)
        {
            throw new ProtocolException(ErrorCodes.TooLarge, $"frame of {utf8Json.Length} bytes exceeds maxFrameBytes ({limits.MaxFrameBytes})");
        }

        if (!Utf8.IsValid(utf8Json))
        {
            throw new ProtocolException(ErrorCodes.InvalidFrame, "frame is not valid UTF-8") { Undecodable = true };
        }

        Frame? frame;
        try
        {
            frame = JsonSerializer.Deserialize(utf8Json, ProtocolJsonContext.Default.Frame);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw Classify(utf8Json, e);
        }

        if (frame is null)
        {
            throw new ProtocolException(ErrorCodes.InvalidFrame, "frame must be a JSON object");
        }

        try
        {
            frame.Validate(new FieldValidator(limits, frame.Type));
        }
        catch (ProtocolException e) when (frame is SendFrame send)
        {
            throw new ProtocolException(e.Code, e.Message) { FrameType = FrameTypes.Send, SendId = send.Id, SendSeq = send.Seq };
        }
        catch (ProtocolException e)
        {
            throw e.WithSalvage(FrameSalvage.Scan(utf8Json));
        }

        return frame;
    }

    private static ProtocolException Classify(ReadOnlySpan<byte> utf8Json, Exception cause)
    {
        var salvage = FrameSalvage.Scan(utf8Json);
        if (salvage.Type is null)
        {
            return new ProtocolException(ErrorCodes.InvalidFrame, "frame must be a JSON object with a string field t", cause).WithSalvage(salvage);
        }

        if (!FrameTypes.All.Contains(salvage.Type))
        {
            return new ProtocolException(ErrorCodes.UnknownType, $"unknown frame type '{Truncate(salvage.Type)}'", cause).WithSalvage(salvage);
        }

        var path = cause is JsonException { Path: { } p } ? $" at {p}" : "";
        return new ProtocolException(ErrorCodes.InvalidFrame, $"{salvage.Type}: malformed or missing field{path}", cause).WithSalvage(salvage);
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";

    private sealed class NullBufferWriter : IBufferWriter<byte>
    {
        public static readonly NullBufferWriter Instance = new();

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Array.Empty<byte>();

        public Span<byte> GetSpan(int sizeHint = 0) => [];
    }
}
