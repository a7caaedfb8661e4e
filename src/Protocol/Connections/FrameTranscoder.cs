using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Compression;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Protocol.Connections;

/// <summary>
/// Turns frames into wire messages and back for one connection, once codecs are negotiated: compresses
/// outgoing JSON at or above the threshold with the best codec the peer accepts, and decompresses
/// incoming binary frames only for codecs this side accepts, within the frame limit.
/// </summary>
public sealed class FrameTranscoder
{
    private readonly CompressionPolicy _policy;
    private readonly IReadOnlySet<CompressionCodec> _accepted;
    private CompressionCodec _sendCodec;

    /// <param name="limits">Limits for decoding what arrives.</param>
    /// <param name="policy">When to compress what is sent.</param>
    /// <param name="accepted">Codecs this side decompresses; null = every codec the library has.</param>
    public FrameTranscoder(FrameLimits limits, CompressionPolicy? policy = null, IReadOnlySet<CompressionCodec>? accepted = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits;
        _policy = policy ?? CompressionPolicy.Default;
        _accepted = accepted ?? CompressionCodecNames.ParseAll(CompressionCodecNames.All);
    }

    /// <summary>The limits incoming frames are decoded with.</summary>
    public FrameLimits Limits { get; private set; }

    /// <summary>The codec outgoing large frames use; None until <see cref="Negotiate"/>.</summary>
    public CompressionCodec SendCodec => _sendCodec;

    /// <summary>The codec names this side accepts, for <c>hello.codecs</c> or <c>welcome.codecs</c>.</summary>
    public IReadOnlyList<string> AcceptedNames => [.. CompressionCodecNames.All.Where(n => CompressionCodecNames.TryParse(n, out var c) && _accepted.Contains(c))];

    /// <summary>Chooses the send codec from the peer's list (after <c>hello</c>/<c>welcome</c>).</summary>
    public void Negotiate(IEnumerable<string>? peerCodecs) => _sendCodec = _policy.Choose(CompressionCodecNames.ParseAll(peerCodecs));

    /// <summary>Replaces the decode limits (a client adopts the server's <c>welcome</c> limits).</summary>
    public void UseLimits(FrameLimits limits) => Limits = limits ?? throw new ArgumentNullException(nameof(limits));

    /// <summary>Encodes a frame, compressed when negotiated and at or above the threshold.</summary>
    public WireMessage Encode(Frame frame) => Wrap(FrameCodec.EncodeToArray(frame));

    /// <summary>Wraps already-encoded JSON (a shared broadcast), compressing it under the same rule.</summary>
    public WireMessage Wrap(ReadOnlyMemory<byte> json) =>
        _sendCodec != CompressionCodec.None && json.Length >= _policy.ThresholdBytes
            ? new WireMessage(FrameCompression.Compress(_sendCodec, json.Span, _policy.Level), IsBinary: true)
            : WireMessage.Text(json);

    /// <summary>Decodes one wire message; throws only <see cref="ProtocolException"/>.</summary>
    public Frame Decode(WireMessage message)
    {
        if (!message.IsBinary)
        {
            return FrameCodec.Decode(message.Payload.Span, Limits);
        }

        var json = FrameCompression.DecompressFrame(message.Payload, _accepted, Limits.MaxFrameBytes);
        return FrameCodec.Decode(json, Limits);
    }
}
