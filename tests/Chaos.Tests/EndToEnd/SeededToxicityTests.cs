using System.Net.Sockets;
using ChatResilience.Chaos.Proxy;
using ChatResilience.Chaos.Tests.Support;
using ChatResilience.Chaos.Toxiproxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Chaos.Tests.EndToEnd;

/// <summary>A seed is a bug report: the same seed picks the same affected connections, process after process.</summary>
public class SeededToxicityTests
{
    // reset_peer rather than latency: an affected connection is closed instead of answered, an outcome that does
    // not depend on how long anything took, so a loaded machine cannot turn an unaffected connection into a '1'.
    private static async Task<string> AffectedConnectionsAsync(int seed, LoopbackServer echo)
    {
        await using var embedded = await EmbeddedToxiproxy.StartAsync(new EmbeddedToxiproxyOptions { Port = 0, Seed = seed }, TimeProvider.System, NullLoggerFactory.Instance);
        using var http = new HttpClient { BaseAddress = embedded.ApiUri };
        var client = new ToxiproxyClient(http);
        var proxy = await client.CreateProxyAsync(new ProxyDefinition("group-a", echo.Address));
        await client.AddToxicAsync("group-a", new ToxicDefinition(new ResetPeerAttributes(TimeSpan.Zero), ToxicStream.Upstream, Toxicity: 0.5));

        // Connect one by one so connection ordinals follow connect order; then probe all at once.
        var sockets = new List<Socket>();
        for (var i = 0; i < 16; i++)
        {
            sockets.Add(await Sockets.ConnectAsync(proxy.Listen));
            await Bounded.UntilAsync(() => embedded.GetCounters("group-a")!.ConnectionsAccepted == i + 1, "connection accepted");
        }

        var reset = await Task.WhenAll(sockets.Select(WasResetAsync));
        sockets.ForEach(s => s.Dispose());
        return string.Concat(reset.Select(r => r ? '1' : '0'));
    }

    /// <summary>Sends one byte: true when the proxy closed the connection instead of echoing it back.</summary>
    private static async Task<bool> WasResetAsync(Socket socket)
    {
        await socket.SendAsync(new byte[] { 1 }, SocketFlags.None);
        var buffer = new byte[1];
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    [Fact]
    public async Task SameSeed_AffectsTheSameConnections()
    {
        await using var echo = new LoopbackServer();
        var first = await AffectedConnectionsAsync(99, echo);
        Assert.Equal(first, await AffectedConnectionsAsync(99, echo));
        Assert.Contains('1', first);
        Assert.Contains('0', first);
    }
}
