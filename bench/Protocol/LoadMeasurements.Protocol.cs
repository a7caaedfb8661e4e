using ChatResilience.Bench.Protocol;

namespace ChatResilience.Bench;

public static partial class LoadMeasurements
{
    static partial void RegisterProtocol() =>
        Register("compression-ratios", async args =>
        {
            var table = CompressionRatioTable.Build();
            var path = args.Length > 0 ? args[0] : Path.Combine("results", "compression-ratios.md");
            await File.WriteAllTextAsync(path, table);
            Console.WriteLine(table);
            return 0;
        });
}
