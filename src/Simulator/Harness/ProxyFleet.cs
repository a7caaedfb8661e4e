using ChatResilience.Chaos.Faults;
using ChatResilience.Chaos.Proxy;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// One Toxiproxy proxy per client group, all with the server as upstream: the embedded Toxiproxy-compatible
/// proxy by default (seeded with the run seed), or a real Toxiproxy at <c>--toxiproxy-url</c>.
/// </summary>
internal sealed class ProxyFleet : IAsyncDisposable
{
    private readonly EmbeddedToxiproxy? _embedded;
    private readonly HttpClient _http;
    private readonly IReadOnlyDictionary<string, string> _listen;

    private ProxyFleet(EmbeddedToxiproxy? embedded, HttpClient http, ToxiproxyClient client, IReadOnlyDictionary<string, string> listen)
    {
        _embedded = embedded;
        _http = http;
        Client = client;
        _listen = listen;
        Injector = new ToxiproxyFaultInjector(client);
    }

    public ToxiproxyClient Client { get; }

    public IFaultInjector Injector { get; }

    /// <summary>Proxy name of a group.</summary>
    public static string ProxyName(string group) => "chatsim-" + group;

    /// <summary>The address (host:port) clients of <paramref name="group"/> connect to.</summary>
    public string ListenOf(string group) => _listen[group];

    public static async Task<ProxyFleet> StartAsync(
        IReadOnlyList<string> groups,
        string upstream,
        int seed,
        Uri? externalApi,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        EmbeddedToxiproxy? embedded = null;
        if (externalApi is null)
        {
            embedded = await EmbeddedToxiproxy.StartAsync(new EmbeddedToxiproxyOptions { Port = 0, Seed = seed }, time, loggerFactory, cancellationToken);
        }

        var http = new HttpClient { BaseAddress = externalApi ?? embedded!.ApiUri, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var client = new ToxiproxyClient(http, time);
            var listen = new Dictionary<string, string>(StringComparer.Ordinal);
            var existing = await client.GetProxiesAsync(cancellationToken);
            foreach (var group in groups)
            {
                var name = ProxyName(group);
                if (existing.ContainsKey(name))
                {
                    // A previous run against the same external Toxiproxy left it behind.
                    await client.DeleteProxyAsync(name, cancellationToken);
                }

                var proxy = await client.CreateProxyAsync(new ProxyDefinition(name, upstream), cancellationToken);
                listen[group] = proxy.Listen;
            }

            return new ProxyFleet(embedded, http, client, listen);
        }
        catch
        {
            http.Dispose();
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is null)
        {
            foreach (var name in _listen.Keys.Select(ProxyName))
            {
                try
                {
                    await Client.DeleteProxyAsync(name);
                }
                catch (Exception e) when (e is ToxiproxyException or HttpRequestException or TaskCanceledException)
                {
                    // Best effort: an external proxy we cannot clean up is reported by its next run.
                }
            }
        }

        _http.Dispose();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}
