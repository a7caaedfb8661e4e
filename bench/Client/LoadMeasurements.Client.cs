using ChatResilience.Bench.Client;

namespace ChatResilience.Bench;

public static partial class LoadMeasurements
{
    // dotnet run -c Release --project bench -- load client-memory [clients=2000] [messages=20000] [append-to-file]
    static partial void RegisterClient() => Register("client-memory", ClientMemoryMeasurement.RunAsync);
}
