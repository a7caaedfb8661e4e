using System.Globalization;
using ChatResilience.Server;
using ChatResilience.Server.Hosting;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Reports;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// <c>chatsim server --port P --data DIR --max-connections N [--bug name=value]...</c> (hidden; the coordinator
/// starts it): the same <see cref="ChatServerHost"/> the embedded target uses, in its own process. Prints
/// <c>chatsim-server listening URL</c> once ready; a <c>stop</c> line on stdin (or stdin closing, when the coordinator
/// dies) stops it gracefully.
/// </summary>
internal static class ServerCommand
{
    public const string ReadyPrefix = "chatsim-server listening ";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextReader input, CancellationToken cancellationToken)
    {
        var port = 0;
        string? data = null;
        var maxConnections = 10_000;
        var bugs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new CliException($"server {a}: needs a value");
            switch (a)
            {
                case "--port":
                    port = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535 ? p : throw new CliException("server --port: 0-65535");
                    break;
                case "--data":
                    data = Value();
                    break;
                case "--max-connections":
                    maxConnections = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m >= 1 ? m : throw new CliException("server --max-connections: a positive integer");
                    break;
                case "--bug":
                    var b = Value();
                    var eq = b.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new CliException($"server --bug: '{b}' must be name=value");
                    }

                    bugs[b[..eq]] = b[(eq + 1)..];
                    break;
                default:
                    throw new CliException($"server {a}: unknown option");
            }
        }

        if (data is null)
        {
            throw new CliException("server: --data DIR is required (the SQLite file lives there, so a restart keeps the log)");
        }

        ServerBugSwitches serverBugs;
        try
        {
            serverBugs = BugSwitches.Parse(bugs).Server;
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }

        Directory.CreateDirectory(data);
        var options = EmbeddedChatTarget.HostOptions(Path.Combine(data, "chat.db"), maxConnections, serverBugs) with { Port = port };
        await using var host = await ChatServerHost.StartAsync(options, TimeProvider.System, NullLoggerProvider.Instance, cancellationToken);
        await output.WriteLineAsync(ReadyPrefix + host.BaseUri);
        await output.FlushAsync(cancellationToken);
        try
        {
            while (await input.ReadLineAsync(cancellationToken) is { } line && line.Trim() != "stop")
            {
                // Only "stop" means anything; other lines are ignored.
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: graceful stop below.
        }

        await host.StopAsync(CancellationToken.None);
        return ExitCodes.Pass;
    }
}
