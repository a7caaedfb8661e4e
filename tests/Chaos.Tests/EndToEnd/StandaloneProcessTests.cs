using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ChatResilience.Chaos.Tests.EndToEnd;

/// <summary>The standalone proxy (<c>chaos/Program.cs</c>) as a drop-in for toxiproxy-server is run: stop signals, a port in use.</summary>
public sealed class StandaloneProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sigterm_StopsIt_Exit0()
    {
        using var process = Start("--port", "0");
        _ = process.StandardError.ReadToEndAsync();
        using var started = new CancellationTokenSource(Bound);
        while (await process.StandardOutput.ReadLineAsync(started.Token) is { } line && !line.StartsWith("embedded toxiproxy API on", StringComparison.Ordinal))
        {
        }

        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            // It used to keep running: the web host's console lifetime took the signal and only announced it.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().WaitAsync(Bound);
            }

            await process.WaitForExitAsync().WaitAsync(Bound);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
    }

    [Fact]
    public async Task PortInUse_Exit69SayingSo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Start("--port", port);
        _ = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        await process.WaitForExitAsync().WaitAsync(Bound);

        Assert.Equal(69, process.ExitCode);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}: the port is in use", await error, StringComparison.Ordinal);
    }

    private static Process Start(params string[] args) =>
        Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ChatResilience.Chaos.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
}
