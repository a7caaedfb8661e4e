namespace ChatResilience.Bench;

/// <summary>
/// Named load measurements (many sockets, wall-clock throughput) that do not fit BenchmarkDotNet's
/// micro-benchmark model. Each component registers its own in a partial file next to its suites.
/// </summary>
public static partial class LoadMeasurements
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Registry = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        RegisterAll();
        if (args.Length == 0 || !Registry.TryGetValue(args[0], out var run))
        {
            await Console.Error.WriteLineAsync($"usage: load <{string.Join('|', Registry.Keys.Order())}> [options]");
            return 64;
        }

        try
        {
            return await run(args[1..]);
        }
        catch (LoadArgsException e)
        {
            await Console.Error.WriteLineAsync($"load {args[0]}: {e.Message}");
            return 64;
        }
    }

    private static void Register(string name, Func<string[], Task<int>> run) => Registry[name] = run;

    // Each partial file adds a call here through its own Register* method.
    static partial void RegisterProtocol();
    static partial void RegisterServer();
    static partial void RegisterClient();
    static partial void RegisterChaos();
    static partial void RegisterSimulator();

    private static void RegisterAll()
    {
        RegisterProtocol();
        RegisterServer();
        RegisterClient();
        RegisterChaos();
        RegisterSimulator();
    }
}
