using System.Net.Sockets;
using System.Text;
using ChatResilience.Chaos.Tests.Support;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Tests.EndToEnd;

/// <summary>The embedded proxy's data path over real loopback sockets (every wait bounded).</summary>
public sealed partial class ProxyDataPathTests(EmbeddedProxyFixture fixture) : IClassFixture<EmbeddedProxyFixture>
{
    private static readonly TimeProvider Clock = TimeProvider.System;

    private static async Task<TimeSpan> RoundTripAsync(Socket socket, byte[] message)
    {
        var start = Clock.GetTimestamp();
        await socket.SendAsync(message, SocketFlags.None);
        var echoed = await Sockets.ReadExactlyAsync(socket, message.Length);
        var elapsed = Clock.GetElapsedTime(start);
        Assert.Equal(message, echoed);
        return elapsed;
    }

    [Fact]
    public async Task NoToxics_EchoesBytes_AndCountsThem()
    {
        var proxy = await fixture.CreateProxyAsync();
        using (var socket = await Sockets.ConnectAsync(proxy.Listen))
        {
            await RoundTripAsync(socket, Encoding.ASCII.GetBytes("hello, proxy"));
            var counters = fixture.Proxy.GetCounters(proxy.Name)!;
            Assert.Equal(1, counters.ConnectionsOpen);
            Assert.Equal(12, counters.BytesUpstream);
        }

        await Bounded.UntilAsync(() => fixture.Proxy.GetCounters(proxy.Name)!.ConnectionsOpen == 0, "connection counted closed");
        Assert.Equal(12, fixture.Proxy.GetCounters(proxy.Name)!.BytesDownstream);
    }

    [Fact]
    public async Task Latency_IsNeverEarly()
    {
        var proxy = await fixture.CreateProxyAsync();
        await fixture.Client.AddToxicAsync(proxy.Name, new ToxicDefinition(new LatencyAttributes(TimeSpan.FromMilliseconds(50))));
        using var socket = await Sockets.ConnectAsync(proxy.Listen);
        for (var i = 0; i < 10; i++)
        {
            var rtt = await RoundTripAsync(socket, [(byte)i, 1, 2, 3]);
            Assert.True(rtt >= TimeSpan.FromMilliseconds(50), $"round trip {i} took {rtt.TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task Latency_WithJitter_KeepsOrder()
    {
        var proxy = await fixture.CreateProxyAsync();
        await fixture.Client.AddToxicAsync(proxy.Name, new ToxicDefinition(new LatencyAttributes(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20)), ToxicStream.Upstream));
        using var socket = await Sockets.ConnectAsync(proxy.Listen);
        var expected = new MemoryStream();
        for (var i = 0; i < 200; i++)
        {
            var message = Encoding.ASCII.GetBytes($"<{i:D4}>");
            expected.Write(message);
            await socket.SendAsync(message, SocketFlags.None);
        }

        var received = await Sockets.ReadExactlyAsync(socket, (int)expected.Length);
        Assert.Equal(Encoding.ASCII.GetString(expected.ToArray()), Encoding.ASCII.GetString(received));
    }

    [Fact]
    public async Task LiveToxicChanges_ApplyToOpenConnections()
    {
        var proxy = await fixture.CreateProxyAsync();
        using var socket = await Sockets.ConnectAsync(proxy.Listen);
        await RoundTripAsync(socket, [1]);
        // A long latency so that "faster than the toxic" after removal stays true on a loaded CI machine.
        var slow = TimeSpan.FromSeconds(2);
        await fixture.Client.AddToxicAsync(proxy.Name, new ToxicDefinition(new LatencyAttributes(slow), Name: "slow"));
        Assert.True(await RoundTripAsync(socket, [2]) >= slow);
        await fixture.Client.DeleteToxicAsync(proxy.Name, "slow");
        var after = await RoundTripAsync(socket, [3]);
        Assert.True(after < slow, $"round trip after removing the toxic took {after.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Timeout_ClosesTheConnectionAfterIdleTime()
    {
        var proxy = await fixture.CreateProxyAsync();
        await fixture.Client.AddToxicAsync(proxy.Name, new ToxicDefinition(new TimeoutAttributes(TimeSpan.FromMilliseconds(200)), ToxicStream.Upstream));
        var start = Clock.GetTimestamp();
        using var socket = await Sockets.ConnectAsync(proxy.Listen);
        await socket.SendAsync("dropped"u8.ToArray(), SocketFlags.None);
        var rest = await Sockets.ReadToEndAsync(socket);
        Assert.Empty(rest); // data was blackholed
        Assert.True(Clock.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task ResetPeer_GivesConnectionReset()
    {
        var proxy = await fixture.CreateProxyAsync();
        await fixture.Client.AddToxicAsync(proxy.Name, new ToxicDefinition(new ResetPeerAttributes(TimeSpan.Zero), ToxicStream.Upstream));
        using var socket = await Sockets.ConnectAsync(proxy.Listen);
        await socket.SendAsync("x"u8.ToArray(), SocketFlags.None);
        var error = await Assert.ThrowsAsync<SocketException>(() => Sockets.ReadToEndAsync(socket));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }
}
