namespace ChatResilience.Protocol.Compression;

/// <summary>When and how a sender compresses (PROTOCOL.md §1).</summary>
public sealed record CompressionPolicy
{
    /// <summary>Default threshold: frames of at least 1 KiB of JSON are compressed.</summary>
    public const int DefaultThresholdBytes = 1024;

    /// <summary>Frames whose JSON is at least this many bytes are compressed. Default 1 KiB.</summary>
    public int ThresholdBytes { get; init; } = DefaultThresholdBytes;

    /// <summary>Codecs in order of preference; the first one the peer accepts is used. Default zstd, deflate, brotli.</summary>
    public IReadOnlyList<CompressionCodec> Preference { get; init; } = [CompressionCodec.Zstd, CompressionCodec.Deflate, CompressionCodec.Brotli];

    /// <summary>Level per codec; null = <see cref="FrameCompression.DefaultLevel"/>.</summary>
    public int? Level { get; init; }

    /// <summary>Never compress.</summary>
    public static CompressionPolicy Off { get; } = new() { Preference = [] };

    /// <summary>The protocol defaults.</summary>
    public static CompressionPolicy Default { get; } = new();

    /// <summary>The codec to use with a peer that accepts <paramref name="peerAccepts"/>, or None.</summary>
    public CompressionCodec Choose(IReadOnlySet<CompressionCodec> peerAccepts)
    {
        ArgumentNullException.ThrowIfNull(peerAccepts);
        foreach (var codec in Preference)
        {
            if (peerAccepts.Contains(codec))
            {
                return codec;
            }
        }

        return CompressionCodec.None;
    }
}
