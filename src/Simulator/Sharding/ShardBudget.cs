using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// Open-file arithmetic per process of a sharded run. A worker holds three sockets per client (client→proxy, the
/// proxy's accepted end, proxy→server); the server process holds one per connection, plus reconnect overlap.
/// </summary>
public static class ShardBudget
{
    /// <summary>Sockets a worker holds per client: the fourth (the server's accepted end) lives in the server process.</summary>
    public const int WorkerSocketsPerClient = 3;

    /// <summary>The most clients one worker can hold.</summary>
    public static int MaxClientsPerWorker => (FileBudget.ProcessLimit - FileBudget.Margin) / WorkerSocketsPerClient;

    /// <summary>The server process's connection cap: every client once plus reconnect overlap, below its own limit.</summary>
    public static int ServerConnectionCap(int clients) => Math.Min((clients * 2) + 100, FileBudget.ProcessLimit - FileBudget.Margin);

    /// <summary>The most clients a sharded run on one machine can hold: the server process's file limit is the ceiling.</summary>
    public static int MaxClients => FileBudget.ProcessLimit - FileBudget.Margin;

    /// <summary>Workers for <paramref name="clients"/>: enough for the file budget, and at least two once the run is split.</summary>
    public static int WorkersFor(int clients) => Math.Max(2, (clients + MaxClientsPerWorker - 1) / MaxClientsPerWorker);

    /// <summary>Null when <paramref name="clients"/> fit in <paramref name="workers"/> workers and one server process, else why not.</summary>
    public static string? Check(int clients, int workers)
    {
        var perWorker = (clients + workers - 1) / workers;
        if (perWorker > MaxClientsPerWorker)
        {
            return $"{clients} clients over {workers} worker(s) is {perWorker} per worker, needing {(perWorker * WorkerSocketsPerClient) + FileBudget.Margin} open files "
                   + $"but a process may hold {FileBudget.ProcessLimit} (at most {MaxClientsPerWorker} clients per worker): use --workers {WorkersFor(clients)} or more";
        }

        return clients > MaxClients
            ? $"{clients} clients need {clients} server connections but the server process may hold {FileBudget.ProcessLimit - FileBudget.Margin} (one process, {FileBudget.ProcessLimit} files)"
            : null;
    }
}
