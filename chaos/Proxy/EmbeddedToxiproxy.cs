using System.Net;
using System.Security.Cryptography;
using ChatResilience.Chaos.Proxy.Internal;
using ChatResilience.Chaos.Proxy.Internal.Api;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChatResilience.Chaos.Proxy;

/// <summary>
/// An in-process, Toxiproxy-compatible fault proxy: the same HTTP API as Toxiproxy 2.12 (so any Toxiproxy
/// client, including <see cref="Toxiproxy.ToxiproxyClient"/>, drives it unchanged) and a TCP data path
/// with the same toxics, plus fixes where Toxiproxy crashes (see TOXIPROXY.md "fix"), a seed that really
/// makes draws reproducible, and every wait scheduled on an injected <see cref="TimeProvider"/>.
/// </summary>
/// <example>
/// <code>
/// await using var proxy = await EmbeddedToxiproxy.StartAsync(new EmbeddedToxiproxyOptions { Port = 0, Seed = 42 }, TimeProvider.System, loggerFactory, ct);
/// var client = new ToxiproxyClient(new HttpClient { BaseAddress = proxy.ApiUri });
/// </code>
/// </example>
public sealed class EmbeddedToxiproxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ProxyRegistry _registry;

    private EmbeddedToxiproxy(WebApplication app, ProxyRegistry registry, Uri apiUri)
    {
        _app = app;
        _registry = registry;
        ApiUri = apiUri;
    }

    /// <summary>Base address of the HTTP API, e.g. http://127.0.0.1:8474/.</summary>
    public Uri ApiUri { get; }

    /// <summary>The seed in use (the given one, or the random one picked at start).</summary>
    public int Seed => _registry.Seed;

    /// <summary>Starts the API (and nothing else: proxies are created through the API).</summary>
    public static async Task<EmbeddedToxiproxy> StartAsync(
        EmbeddedToxiproxyOptions options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();

        var seed = options.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        var registry = new ProxyRegistry(seed, timeProvider, loggerFactory);
        var logger = loggerFactory.CreateLogger("ChatResilience.Chaos.Proxy.Api");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(timeProvider);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.AddServerHeader = false;
            if (IPAddress.TryParse(options.Host, out var ip))
            {
                kestrel.Listen(ip, options.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, options.Port);
            }
        });

        var app = builder.Build();
        app.Use(ApiEndpoints.BrowserGuardAsync);
        new ApiEndpoints(registry, logger).Map(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var apiUri = new Uri(address.EndsWith('/') ? address : address + "/");
        ProxyLog.ApiStarted(logger, apiUri, seed);
        return new EmbeddedToxiproxy(app, registry, apiUri);
    }

    /// <summary>Live counters of every proxy (cheap: reads interlocked cells).</summary>
    public IReadOnlyList<ProxyCounters> GetCounters() => _registry.Counters();

    /// <summary>Counters of one proxy, or null if there is no such proxy.</summary>
    public ProxyCounters? GetCounters(string proxyName) =>
        _registry.Counters().FirstOrDefault(c => c.ProxyName == proxyName);

    /// <summary>Stops the API and every proxy, closing all proxied connections.</summary>
    public async ValueTask DisposeAsync()
    {
        _registry.StopAll();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
