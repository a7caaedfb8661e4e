namespace ChatResilience.Protocol.Compression;

/// <summary>The codec id in byte 0 of a binary frame (PROTOCOL.md §1).</summary>
public enum CompressionCodec : byte
{
    /// <summary>Not compressed: a text frame.</summary>
    None = 0,

    /// <summary>Raw deflate, RFC 1951.</summary>
    Deflate = 0x01,

    /// <summary>Brotli, RFC 7932.</summary>
    Brotli = 0x02,

    /// <summary>Zstandard, RFC 8878.</summary>
    Zstd = 0x03,
}

/// <summary>Codec names as listed in <c>hello.codecs</c> and <c>welcome.codecs</c>.</summary>
public static class CompressionCodecNames
{
    public const string Deflate = "deflate";
    public const string Brotli = "brotli";
    public const string Zstd = "zstd";

    /// <summary>Every codec this library implements, in order of preference.</summary>
    public static IReadOnlyList<string> All { get; } = [Zstd, Deflate, Brotli];

    public static string Name(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Deflate => Deflate,
        CompressionCodec.Brotli => Brotli,
        CompressionCodec.Zstd => Zstd,
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "not a compression codec"),
    };

    public static bool TryParse(string? name, out CompressionCodec codec)
    {
        codec = name switch
        {
            Deflate => CompressionCodec.Deflate,
            Brotli => CompressionCodec.Brotli,
            Zstd => CompressionCodec.Zstd,
            _ => CompressionCodec.None,
        };
        return codec != CompressionCodec.None;
    }

    /// <summary>The codecs of <paramref name="names"/> this library knows; unknown names are ignored.</summary>
    public static IReadOnlySet<CompressionCodec> ParseAll(IEnumerable<string>? names)
    {
        var set = new HashSet<CompressionCodec>();
        foreach (var name in names ?? [])
        {
            if (TryParse(name, out var codec))
            {
                set.Add(codec);
            }
        }

        return set;
    }
}
