using ChatResilience.Chaos.Faults;
using ChatResilience.Chaos.Tests.Support;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Tests.Faults;

public class ToxiproxyFaultInjectorTests(EmbeddedProxyFixture fixture) : IClassFixture<EmbeddedProxyFixture>
{
    [Fact]
    public async Task Apply_BothDirections_AddsTwoToxics_RemoveTakesThemAway()
    {
        var proxy = await fixture.CreateProxyAsync();
        var injector = new ToxiproxyFaultInjector(fixture.Client);
        var applied = await injector.ApplyAsync(new LatencyFault { Proxy = proxy.Name, Direction = FaultDirection.Both, Latency = TimeSpan.FromMilliseconds(25), Toxicity = 0.5 });
        var toxics = await fixture.Client.GetToxicsAsync(proxy.Name);
        Assert.Equal([ToxicStream.Upstream, ToxicStream.Downstream], toxics.Select(t => t.Stream));
        Assert.All(toxics, t => Assert.Equal(new LatencyAttributes(TimeSpan.FromMilliseconds(25)), t.Attributes));
        Assert.All(toxics, t => Assert.Equal(0.5, t.Toxicity));
        await applied.RemoveAsync();
        await applied.RemoveAsync(); // idempotent
        Assert.Empty(await fixture.Client.GetToxicsAsync(proxy.Name));
    }

    [Fact]
    public async Task Down_Overlapping_ComesBackOnlyAfterTheLast()
    {
        var proxy = await fixture.CreateProxyAsync();
        var injector = new ToxiproxyFaultInjector(fixture.Client);
        var first = await injector.ApplyAsync(new DownFault { Proxy = proxy.Name });
        var second = await injector.ApplyAsync(new DownFault { Proxy = proxy.Name });
        Assert.False((await fixture.Client.GetProxyAsync(proxy.Name)).Enabled);
        await first.RemoveAsync();
        Assert.False((await fixture.Client.GetProxyAsync(proxy.Name)).Enabled);
        await second.RemoveAsync();
        Assert.True((await fixture.Client.GetProxyAsync(proxy.Name)).Enabled);
    }

    [Fact]
    public async Task Apply_UnknownProxy_ThrowsToxiproxyException404()
    {
        var injector = new ToxiproxyFaultInjector(fixture.Client);
        var error = await Assert.ThrowsAsync<ToxiproxyException>(() => injector.ApplyAsync(new NoopFault { Proxy = "nope" }));
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Apply_InvalidFault_ThrowsValidationBeforeAnyCall()
    {
        var injector = new ToxiproxyFaultInjector(fixture.Client);
        await Assert.ThrowsAsync<FaultValidationException>(() => injector.ApplyAsync(new SlicerFault { Proxy = "x", AverageSize = 0 }));
    }
}
