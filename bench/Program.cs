using BenchmarkDotNet.Running;

// Every suite in this assembly is reachable from here: `dotnet run -c Release --project bench -- --filter '*Codec*'`.
// Load measurements that are not micro-benchmarks register themselves in LoadMeasurements and run with
// `dotnet run -c Release --project bench -- load <name>`.
if (args.Length > 0 && args[0] == "load")
{
    return await ChatResilience.Bench.LoadMeasurements.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ChatResilience.Bench.LoadMeasurements).Assembly).Run(args);
return 0;
