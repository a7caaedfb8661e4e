namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Fetches every user's token from a server the harness did not start before any client connects, so connects find
/// them cached. Against a deployment each token can be slow: a <c>--token-command</c> is a process per user (~50 ms of
/// CPU with sh and curl here), and a load ramp of 1,000 clients whose connects each ran one left the harness up to
/// 50 s behind its schedule with every connect timed out; and a connect time that includes the token measures the
/// token source, not the server.
/// </summary>
internal static class TokenPrefetch
{
    /// <summary>Asks <paramref name="target"/> for each distinct user's token, <paramref name="parallelism"/> at a time.</summary>
    public static Task RunAsync(IChatTarget target, IEnumerable<string> userIds, int parallelism, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            userIds.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (user, ct) => await target.GetTokenAsync(user, ct));
}
