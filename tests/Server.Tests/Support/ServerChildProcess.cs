using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Hosting;

namespace ChatResilience.Server.Tests.Support;

/// <summary>The server's own executable (<c>Program.cs</c>) as a child process, as an operator runs it.</summary>
internal static partial class ServerChildProcess
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(20);

    [GeneratedRegex(@"listening on http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex ListeningLine();

    /// <summary>Starts it with <paramref name="args"/> and returns once it listens, with its port.</summary>
    public static async Task<(Process Process, int Port)> StartAsync(params string[] args)
    {
        var (process, port, _) = await StartWithOutputAsync(args);
        return (process, port);
    }

    /// <summary>
    /// As <see cref="StartAsync"/>, also returning what it writes from then on (standard output, then error) for a
    /// failing test to show: it completes when the process exits.
    /// </summary>
    public static async Task<(Process Process, int Port, Task<string> Output)> StartWithOutputAsync(params string[] args)
    {
        var process = Process.Start(Info(args))!;
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartBound);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var m = ListeningLine().Match(line);
            if (m.Success)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                return (process, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), JoinAsync(output, error));
            }
        }

        throw new InvalidOperationException("the child server did not start");
    }

    private static async Task<string> JoinAsync(Task<string> output, Task<string> error) => await output + await error;

    /// <summary>A client of the child on <paramref name="port"/>, welcomed (resuming <paramref name="rooms"/> when given).</summary>
    public static async Task<TestClient> ConnectAsync(int port, string user, string clientId, IReadOnlyList<RoomCursor>? rooms = null)
    {
        var tokens = new JwtTokenService(JwtTokenService.DevelopmentSigningKey, TimeProvider.System);
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        ws.Options.SetRequestHeader("Authorization", "Bearer " + tokens.Issue(user));
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), CancellationToken.None).WaitAsync(TestClient.Timeout);
        var c = new TestClient(new WebSocketFrameConnection(ws), Task.CompletedTask, user, clientId);
        await c.SendAsync(new HelloFrame { ClientId = clientId, Rooms = rooms });
        await c.ExpectAsync<WelcomeFrame>();
        return c;
    }

    /// <summary>Runs it with <paramref name="args"/> to its exit (bounded); its exit code and standard error.</summary>
    public static async Task<(int ExitCode, string Error)> RunToExitAsync(params string[] args)
    {
        using var process = Process.Start(Info(args))!;
        _ = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartBound);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await error);
    }

    private static ProcessStartInfo Info(string[] args) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "ChatResilience.Server.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
}
