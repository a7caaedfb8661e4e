using System.Text.Json;
using ChatResilience.Chaos.Toxiproxy.Internal;

namespace ChatResilience.Chaos.Toxiproxy;

public sealed partial class ToxiproxyClient
{
    /// <summary>GET /proxies: every proxy by name.</summary>
    public async Task<IReadOnlyDictionary<string, ToxiproxyProxy>> GetProxiesAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await GetJsonAsync("proxies", cancellationToken);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => ToxiproxyJson.ReadProxy(p.Value), StringComparer.Ordinal);
    }

    /// <summary>GET /proxies/{name}.</summary>
    public async Task<ToxiproxyProxy> GetProxyAsync(string name, CancellationToken cancellationToken = default)
    {
        using var doc = await GetJsonAsync("proxies/" + Escape(name), cancellationToken);
        return ToxiproxyJson.ReadProxy(doc.RootElement);
    }

    /// <summary>POST /proxies (201): creates a proxy; 409 if the name exists.</summary>
    public async Task<ToxiproxyProxy> CreateProxyAsync(ProxyDefinition proxy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var body = ToxiproxyJson.Write(w => ToxiproxyJson.WriteProxy(w, proxy));
        return ReadProxy(await SendAsync(HttpMethod.Post, "proxies", body, idempotent: false, cancellationToken));
    }

    /// <summary>PATCH /proxies/{name}: changes listen, upstream and/or enabled.</summary>
    public async Task<ToxiproxyProxy> UpdateProxyAsync(string name, ProxyChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var body = ToxiproxyJson.Write(w =>
        {
            w.WriteStartObject();
            if (changes.Listen is not null)
            {
                w.WriteString("listen", changes.Listen);
            }

            if (changes.Upstream is not null)
            {
                w.WriteString("upstream", changes.Upstream);
            }

            if (changes.Enabled is { } enabled)
            {
                w.WriteBoolean("enabled", enabled);
            }

            w.WriteEndObject();
        });
        return ReadProxy(await SendAsync(HttpMethod.Patch, "proxies/" + Escape(name), body, idempotent: false, cancellationToken));
    }

    /// <summary>DELETE /proxies/{name} (204).</summary>
    public Task DeleteProxyAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "proxies/" + Escape(name), null, idempotent: false, cancellationToken);

    /// <summary>POST /populate (201): creates or replaces proxies; equal ones are kept with their toxics.</summary>
    public async Task<IReadOnlyList<ToxiproxyProxy>> PopulateAsync(IEnumerable<ProxyDefinition> proxies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proxies);
        var body = ToxiproxyJson.Write(w =>
        {
            w.WriteStartArray();
            foreach (var proxy in proxies)
            {
                ToxiproxyJson.WriteProxy(w, proxy);
            }

            w.WriteEndArray();
        });
        var reply = await SendAsync(HttpMethod.Post, "populate", body, idempotent: false, cancellationToken);
        using var doc = JsonDocument.Parse(reply.Body);
        return doc.RootElement.TryGetProperty("proxies", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(ToxiproxyJson.ReadProxy).ToList()
            : [];
    }

    private static ToxiproxyProxy ReadProxy(ApiReply reply)
    {
        using var doc = JsonDocument.Parse(reply.Body);
        return ToxiproxyJson.ReadProxy(doc.RootElement);
    }
}
