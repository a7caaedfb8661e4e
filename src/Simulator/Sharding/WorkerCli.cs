using ChatResilience.Simulator.Cli;

namespace ChatResilience.Simulator.Sharding;

/// <summary><c>chatsim worker --coordinator URL</c>.</summary>
internal static class WorkerCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Length != 2 || args[0] != "--coordinator" || !Uri.TryCreate(args[1], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new CliException("worker: usage is  chatsim worker --coordinator http://host:port/");
        }

        return await new ShardWorker(url, secret: CoordinatorSecret.FromEnvironment()).RunAsync(output, cancellationToken);
    }
}
