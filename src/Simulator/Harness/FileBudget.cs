namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Open-file arithmetic for a one-process run: every client through a proxy costs four sockets (client→proxy,
/// proxy's accepted end, proxy→server, server's accepted end).
/// </summary>
public static class FileBudget
{
    /// <summary>The per-process open-file limit of this machine (ulimit -n).</summary>
    public const int ProcessLimit = 20_000;

    /// <summary>Sockets per client through a proxy.</summary>
    public const int SocketsPerClient = 4;

    /// <summary>Files kept for the runtime, SQLite, logs, listeners and reports.</summary>
    public const int Margin = 1_000;

    /// <summary>The most clients one process can hold.</summary>
    public static int MaxClients => MaxClientsFor(SocketsPerClient);

    /// <summary>The embedded server's connection cap: every client once plus reconnect overlap, below the limit.</summary>
    public static int ServerConnectionCap(int clients) => Math.Min(clients * 2 + 100, (ProcessLimit - Margin) / 2);

    /// <summary>
    /// Sockets this process holds per client: the client's own end, two more when its fault proxy runs here (the
    /// proxy's accepted end and its connection to the server), one more when the server runs here (its accepted end).
    /// </summary>
    public static int SocketsPerClientFor(bool serverHere, bool proxiesHere) => 1 + (proxiesHere ? 2 : 0) + (serverHere ? 1 : 0);

    /// <summary>The most clients one process can hold at <paramref name="socketsPerClient"/> sockets each.</summary>
    public static int MaxClientsFor(int socketsPerClient) => (ProcessLimit - Margin) / socketsPerClient;

    /// <summary>Null when <paramref name="clients"/> fit in a one-process run, else why not and what to do.</summary>
    public static string? Check(int clients) =>
        Check(clients, SocketsPerClient) is { } arithmetic ? arithmetic + "; drop --no-split to shard the run across worker processes (issue 7)" : null;

    /// <summary>Null when <paramref name="clients"/> at <paramref name="socketsPerClient"/> sockets each fit in one process, else the arithmetic.</summary>
    public static string? Check(int clients, int socketsPerClient) =>
        clients <= MaxClientsFor(socketsPerClient) ? null
        : $"{clients} clients at {socketsPerClient} socket(s) each need {((long)clients * socketsPerClient) + Margin} open files but one process may hold {ProcessLimit} "
          + $"(at most {MaxClientsFor(socketsPerClient)} clients)";
}
