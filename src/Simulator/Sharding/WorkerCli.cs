using ChatResilience.Simulator.Cli;

namespace ChatResilience.Simulator.Sharding;

/// <summary><c>chatsim worker --coordinator URL [--coordinator-fingerprint SHA256]</c>.</summary>
internal static class WorkerCli
{
    private const string Usage = "worker: usage is  chatsim worker --coordinator http(s)://host:port/ [--coordinator-fingerprint SHA256]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        Uri? url = null;
        string? fingerprint = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new CliException($"{a}: needs a value");
            switch (a)
            {
                case "--coordinator":
                    url = CliParser.Url(a, Value(), "http", "https");
                    break;
                case CoordinatorTls.FingerprintOption:
                    fingerprint = CliParser.Fingerprint(a, Value());
                    break;
                default:
                    throw new CliException($"{Usage} (unknown argument '{a}')");
            }
        }

        if (url is null)
        {
            throw new CliException(Usage);
        }

        return await new ShardWorker(url, secret: CoordinatorSecret.FromEnvironment(), fingerprint: fingerprint).RunAsync(output, cancellationToken);
    }
}
