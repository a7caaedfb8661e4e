using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatResilience.Protocol;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.EndToEnd;

/// <summary>The server's executable as an operator runs it: stop signals, a port in use, bad configuration.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task Sigterm_ClosesSessionsWith1001AndExits0()
    {
        var (child, port) = await ServerChildProcess.StartAsync("--Port", "0", "--Chat:InMemory", "true");
        try
        {
            var client = await ServerChildProcess.ConnectAsync(port, "stop-user", "stop-client");

            // What a container runtime or service manager sends to stop it (it used to be ignored: the server kept serving).
            using (var kill = Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().WaitAsync(TestClient.Timeout);
            }

            var (close, _) = await client.ExpectClosedAsync();
            Assert.Equal(CloseCodes.GoingAway, close.Code);
            await child.WaitForExitAsync().WaitAsync(TestClient.Timeout);
            Assert.Equal(0, child.ExitCode);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
                await child.WaitForExitAsync();
            }

            child.Dispose();
        }
    }

    [Fact]
    public async Task PortInUse_Exit69SayingSo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exit, error) = await ServerChildProcess.RunToExitAsync("--Port", port, "--Chat:InMemory", "true");

        Assert.Equal(69, exit);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}: the port is in use", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "MaxConnections must be >= 1")]
    [InlineData("many", "Failed to convert configuration value 'many' at 'Chat:MaxConnections'")]
    public async Task BadConfiguration_Exit64NamingTheValue(string maxConnections, string message)
    {
        var (exit, error) = await ServerChildProcess.RunToExitAsync("--Port", "0", "--Chat:InMemory", "true", "--Chat:MaxConnections", maxConnections);

        Assert.Equal(64, exit);
        Assert.Contains("chat server: bad configuration: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
