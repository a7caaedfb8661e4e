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
    public static int MaxClients => (ProcessLimit - Margin) / SocketsPerClient;

    /// <summary>The embedded server's connection cap: every client once plus reconnect overlap, below the limit.</summary>
    public static int ServerConnectionCap(int clients) => Math.Min(clients * 2 + 100, (ProcessLimit - Margin) / 2);

    /// <summary>Null when <paramref name="clients"/> fit, else why not.</summary>
    public static string? Check(int clients) =>
        clients <= MaxClients ? null
        : $"{clients} clients need {clients * SocketsPerClient + Margin} open files but one process may hold {ProcessLimit} "
          + $"(at most {MaxClients} clients); drop --no-split to shard the run across worker processes (issue 7)";
}
