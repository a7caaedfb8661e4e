using System.Globalization;
using System.Text;
using ChatResilience.Protocol.Compression;

namespace ChatResilience.Bench.Protocol;

/// <summary>
/// The exact compressed sizes of the seeded frames for every codec and level, as a markdown table
/// (bench/results/compression-ratios.md). Sizes are deterministic, so this needs no statistics.
/// </summary>
public static class CompressionRatioTable
{
    public static string Build()
    {
        var sizes = Enum.GetValues<ChatContent.FrameSize>();
        var jsons = sizes.ToDictionary(s => s, ChatContent.FrameJson);
        var sb = new StringBuilder();
        sb.AppendLine("# Compression ratios on seeded chat frames");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Content: Bogus, seed {ChatContent.Seed} (bench/Protocol/ChatContent.cs). Cell: compressed bytes (codec byte included) and % of the JSON size; lower is better.");
        sb.AppendLine("Regenerate with `cd bench && dotnet run -c Release -- load compression-ratios`.");
        sb.AppendLine();
        sb.Append("| codec-level |");
        foreach (var s in sizes)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {s} ({jsons[s].Length} B) |");
        }

        sb.AppendLine();
        sb.Append("|---|");
        sb.AppendLine(string.Concat(sizes.Select(_ => "---:|")));
        foreach (var name in CodecLevelName.All)
        {
            var (codec, level) = CodecLevelName.Parse(name);
            sb.Append(CultureInfo.InvariantCulture, $"| {name} |");
            foreach (var s in sizes)
            {
                var compressed = FrameCompression.Compress(codec, jsons[s], level).Length;
                sb.Append(CultureInfo.InvariantCulture, $" {compressed} B ({100.0 * compressed / jsons[s].Length:F1} %) |");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }
}
