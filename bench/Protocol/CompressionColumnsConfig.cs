using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ChatResilience.Protocol.Compression;

namespace ChatResilience.Bench.Protocol;

/// <summary>Adds the JSON size, compression ratio and MB/s columns to the compression suites.</summary>
public sealed class CompressionColumnsConfig : ManualConfig
{
    public CompressionColumnsConfig()
    {
        AddColumn(new CompressionColumn(CompressionColumn.Kind.JsonBytes));
        AddColumn(new CompressionColumn(CompressionColumn.Kind.RatioPercent));
        AddColumn(new CompressionColumn(CompressionColumn.Kind.MegabytesPerSecond));
    }
}

/// <summary>
/// One computed column. Sizes are recomputed in the host process from the same seeded content the
/// benchmark used, so they are exact; MB/s is JSON bytes divided by the measured mean.
/// </summary>
internal sealed class CompressionColumn(CompressionColumn.Kind kind) : IColumn
{
    private static readonly ConcurrentDictionary<(ChatContent.FrameSize, string), (int Json, int Compressed)> Sizes = new();

    public enum Kind
    {
        JsonBytes,
        RatioPercent,
        MegabytesPerSecond,
    }

    public string Id => "Compression." + kind;

    public string ColumnName => kind switch
    {
        Kind.JsonBytes => "JSON B",
        Kind.RatioPercent => "Ratio %",
        _ => "MB/s",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind switch
    {
        Kind.JsonBytes => "Size of the uncompressed JSON frame",
        Kind.RatioPercent => "Compressed size (codec byte included) as a percentage of the JSON size",
        _ => "Uncompressed JSON megabytes (10^6 B) processed per second",
    };

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Parameters["Size"] is not ChatContent.FrameSize size || benchmarkCase.Parameters["CodecLevel"] is not string codecLevel)
        {
            return "-";
        }

        var (json, compressed) = Sizes.GetOrAdd((size, codecLevel), static key =>
        {
            var bytes = ChatContent.FrameJson(key.Item1);
            var (codec, level) = CodecLevelName.Parse(key.Item2);
            return (bytes.Length, FrameCompression.Compress(codec, bytes, level).Length);
        });
        switch (kind)
        {
            case Kind.JsonBytes:
                return json.ToString(CultureInfo.InvariantCulture);
            case Kind.RatioPercent:
                return (100.0 * compressed / json).ToString("F1", CultureInfo.InvariantCulture);
            default:
                var meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
                return meanNs is > 0 ? (json / (meanNs.Value / 1e9) / 1e6).ToString("F1", CultureInfo.InvariantCulture) : "-";
        }
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
