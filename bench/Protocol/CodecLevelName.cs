using System.Globalization;
using ChatResilience.Protocol.Compression;

namespace ChatResilience.Bench.Protocol;

/// <summary>"codec-level" parameter names, e.g. <c>zstd-3</c>, readable in the result tables.</summary>
public static class CodecLevelName
{
    /// <summary>The codec/level grid the compression suites and the ratio table cover.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "deflate-1", "deflate-6", "deflate-9",
        "brotli-1", "brotli-4", "brotli-6", "brotli-11",
        "zstd-1", "zstd-3", "zstd-9", "zstd-19",
    ];

    public static (CompressionCodec Codec, int Level) Parse(string name)
    {
        var dash = name.LastIndexOf('-');
        if (dash <= 0 || !CompressionCodecNames.TryParse(name[..dash], out var codec))
        {
            throw new ArgumentException($"not a codec-level name: {name}", nameof(name));
        }

        return (codec, int.Parse(name[(dash + 1)..], CultureInfo.InvariantCulture));
    }
}
