using System.Net.Sockets;
using ChatResilience.Chaos.Tests.Support;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Tests.EndToEnd;

public sealed partial class ProxyDataPathTests
{
    /// <summary>An upstream that sends <paramref name="payload"/> on connect, then closes (or waits for EOF).</summary>
    private static LoopbackServer Sender(byte[] payload, bool closeAfter) => new(async (socket, ct) =>
    {
        await socket.SendAsync(payload, SocketFlags.None, ct);
        if (!closeAfter)
        {
            await Sockets.ReadToEndAsync(socket);
        }
    });

    [Fact]
    public async Task LimitData_TruncatesThenCloses()
    {
        await using var server = Sender(new byte[100], closeAfter: false);
        var proxy = await fixture.CreateProxyAsync(server.Address);
        await fixture.Client.AddToxicAsync(proxy.Name, new ToxicDefinition(new LimitDataAttributes(10)));
        using var socket = await Sockets.ConnectAsync(proxy.Listen);
        Assert.Equal(10, (await Sockets.ReadToEndAsync(socket)).Length);
    }

    [Fact]
    public async Task SlowClose_DelaysTheClose_NotTheData()
    {
        await using var server = Sender("bye"u8.ToArray(), closeAfter: true);
        var proxy = await fixture.CreateProxyAsync(server.Address);
        await fixture.Client.AddToxicAsync(proxy.Name, new ToxicDefinition(new SlowCloseAttributes(TimeSpan.FromMilliseconds(300))));
        using var socket = await Sockets.ConnectAsync(proxy.Listen);
        await Sockets.ReadExactlyAsync(socket, 3);
        var dataAt = Clock.GetTimestamp();
        Assert.Empty(await Sockets.ReadToEndAsync(socket));
        // The server closes right after sending; the proxy postpones our close by 300 ms from then.
        Assert.True(Clock.GetElapsedTime(dataAt) >= TimeSpan.FromMilliseconds(250), $"closed after {Clock.GetElapsedTime(dataAt).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Bandwidth_PacesDataToTheRate()
    {
        await using var server = Sender(new byte[50_000], closeAfter: true);
        var proxy = await fixture.CreateProxyAsync(server.Address);
        await fixture.Client.AddToxicAsync(proxy.Name, new ToxicDefinition(new BandwidthAttributes(100))); // 100 KB/s
        var start = Clock.GetTimestamp();
        using var socket = await Sockets.ConnectAsync(proxy.Listen);
        Assert.Equal(50_000, (await Sockets.ReadToEndAsync(socket)).Length);
        var elapsed = Clock.GetElapsedTime(start);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(450), $"50 KB at 100 KB/s took only {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Down_RefusesConnects_ClosesLiveOnes_AndComesBackOnTheSamePort()
    {
        var proxy = await fixture.CreateProxyAsync();
        using var live = await Sockets.ConnectAsync(proxy.Listen);
        await RoundTripAsync(live, [1]);
        await fixture.Client.UpdateProxyAsync(proxy.Name, new ProxyChanges(Enabled: false));
        Assert.Empty(await Sockets.ReadToEndAsync(live));
        var refused = await Assert.ThrowsAsync<SocketException>(() => Sockets.ConnectAsync(proxy.Listen));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        var back = await fixture.Client.UpdateProxyAsync(proxy.Name, new ProxyChanges(Enabled: true));
        Assert.Equal(proxy.Listen, back.Listen);
        using var again = await Sockets.ConnectAsync(proxy.Listen);
        await RoundTripAsync(again, [2]);
    }

    [Fact]
    public async Task ClientClose_TearsDownTheUpstreamSide()
    {
        var upstreamClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackServer(async (socket, ct) =>
        {
            await Sockets.ReadToEndAsync(socket);
            upstreamClosed.TrySetResult();
        });
        var proxy = await fixture.CreateProxyAsync(server.Address);
        var socket = await Sockets.ConnectAsync(proxy.Listen);
        await Bounded.UntilAsync(() => fixture.Proxy.GetCounters(proxy.Name)!.ConnectionsOpen == 1, "connection proxied");
        socket.Dispose();
        await upstreamClosed.Task.WithinLimit();
    }
}
