using ChatResilience.Chaos.Tests.Support;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Tests.Toxiproxy;

/// <summary>The typed client against the same target as the conformance suite (embedded, or TOXIPROXY_URL).</summary>
public class ToxiproxyClientRoundTripTests(ToxiproxyTarget target) : IClassFixture<ToxiproxyTarget>
{
    [Fact]
    public async Task WholeApi_RoundTrips()
    {
        var client = target.Client;
        var name = "rt" + Guid.NewGuid().ToString("N")[..10];
        Assert.False(string.IsNullOrEmpty(await client.GetVersionAsync()));
        var created = await client.CreateProxyAsync(new ProxyDefinition(name, "127.0.0.1:1"));
        try
        {
            Assert.NotEqual("127.0.0.1:0", created.Listen);
            Assert.Equal(created.Listen, (await client.GetProxiesAsync())[name].Listen);

            var latency = new LatencyAttributes(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10));
            var toxic = await client.AddToxicAsync(name, new ToxicDefinition(latency, ToxicStream.Upstream, 0.5));
            Assert.Equal(new Toxic("latency_upstream", ToxicStream.Upstream, 0.5, latency), toxic);
            Assert.Equal(toxic, await client.GetToxicAsync(name, toxic.Name));

            var updated = await client.UpdateToxicAsync(name, toxic.Name, latency with { Latency = TimeSpan.FromMilliseconds(200) });
            Assert.Equal(TimeSpan.FromMilliseconds(200), ((LatencyAttributes)updated.Attributes).Latency);
            Assert.Single(await client.GetToxicsAsync(name));

            var conflict = await Assert.ThrowsAsync<ToxiproxyException>(() => client.AddToxicAsync(name, new ToxicDefinition(latency, ToxicStream.Upstream)));
            Assert.Equal((409, "toxic already exists"), (conflict.Status, conflict.ToxiproxyMessage));

            await client.DeleteToxicAsync(name, toxic.Name);
            var down = await client.UpdateProxyAsync(name, new ProxyChanges(Enabled: false));
            Assert.False(down.Enabled);

            var populated = await client.PopulateAsync([new ProxyDefinition(name, "127.0.0.1:1", down.Listen, Enabled: false)]);
            Assert.Equal(name, Assert.Single(populated).Name);

            await client.ResetAsync();
            Assert.True((await client.GetProxyAsync(name)).Enabled);
        }
        finally
        {
            await client.DeleteProxyAsync(name);
        }

        var missing = await Assert.ThrowsAsync<ToxiproxyException>(() => client.GetProxyAsync(name));
        Assert.Equal((404, "proxy not found"), (missing.Status, missing.ToxiproxyMessage));
    }
}
