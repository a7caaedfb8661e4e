using ChatResilience.Bench.Client;

namespace ChatResilience.Bench;

public static partial class LoadMeasurements
{
    // dotnet run -c Release --project bench -- load client-memory <websocket|in-memory|outbox> [clients=2000] [messages=20000] [append-to-file]
    static partial void RegisterClient()
    {
        Register("client-memory", ClientMemoryMeasurement.RunAsync);

        // The child process that serves the websocket kind; not meant to be run by hand.
        Register("client-memory-server", MeasurementServerProcess.RunChildAsync);
    }
}
