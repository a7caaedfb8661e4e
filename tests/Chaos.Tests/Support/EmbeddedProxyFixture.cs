using ChatResilience.Chaos.Proxy;
using ChatResilience.Chaos.Toxiproxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Chaos.Tests.Support;

/// <summary>An embedded proxy plus an echo upstream, shared by a test class; tests create their own proxies.</summary>
public sealed class EmbeddedProxyFixture : IAsyncLifetime
{
    public EmbeddedToxiproxy Proxy { get; private set; } = null!;

    public LoopbackServer Echo { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public ToxiproxyClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Proxy = await EmbeddedToxiproxy.StartAsync(new EmbeddedToxiproxyOptions { Port = 0, Seed = 7 }, TimeProvider.System, NullLoggerFactory.Instance);
        Http = new HttpClient { BaseAddress = Proxy.ApiUri, Timeout = TimeSpan.FromSeconds(30) }; // a bound: the first request JIT-compiles the API
        Client = new ToxiproxyClient(Http);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Proxy.DisposeAsync();
        await Echo.DisposeAsync();
    }

    /// <summary>Creates a proxy with a unique name in front of <paramref name="upstream"/> (default: the echo server).</summary>
    public async Task<ToxiproxyProxy> CreateProxyAsync(string? upstream = null) =>
        await Client.CreateProxyAsync(new ProxyDefinition("p" + Guid.NewGuid().ToString("N")[..10], upstream ?? Echo.Address));
}
