
namespace ChatResilience.Chaos.Proxy.Internal.Api;

internal sealed partial class ApiEndpoints
{
    private Task VersionAsync(HttpContext context) =>
        ApiResponses.JsonAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("version", Version);
            w.WriteEndObject();
        });

    private Task ResetAsync(HttpContext context)
    {
        registry.Reset();
        return ApiResponses.NoContent(context);
    }

    private Task ListProxiesAsync(HttpContext context)
    {
        var proxies = registry.List();
        return ApiResponses.JsonAsync(context, 200, w =>
        {
            w.WriteStartObject();
            foreach (var proxy in proxies)
            {
                w.WritePropertyName(proxy.Name);
                ApiJson.WriteProxy(w, proxy);
            }

            w.WriteEndObject();
        });
    }

    private async Task CreateProxyAsync(HttpContext context)
    {
        using var body = await RequestBody.ReadAsync(context);
        var proxy = registry.Create(ProxyBodies.ParseCreate(new JsonFields(body.RootElement)));
        await ApiResponses.JsonAsync(context, 201, w => ApiJson.WriteProxy(w, proxy));
    }

    private async Task PopulateAsync(HttpContext context)
    {
        using var body = await RequestBody.ReadAsync(context);
        IReadOnlyList<ProxyConfig> configs;
        try
        {
            configs = ProxyBodies.ParsePopulate(body.RootElement);
        }
        catch (ApiException ex)
        {
            await ApiResponses.ErrorAsync(context, ex.Status, ex.Message, "application/json", w => WriteProxyList(w, []));
            return;
        }

        var result = registry.Populate(configs);
        if (result.Error is { } error)
        {
            await ApiResponses.ErrorAsync(context, error.Status, error.Message, "application/json", w => WriteProxyList(w, result.Proxies));
            return;
        }

        await ApiResponses.JsonAsync(context, 201, w =>
        {
            w.WriteStartObject();
            WriteProxyList(w, result.Proxies);
            w.WriteEndObject();
        });
    }

    private Task GetProxyAsync(HttpContext context)
    {
        var proxy = registry.Get(Route(context, "proxy"));
        return ApiResponses.JsonAsync(context, 200, w => ApiJson.WriteProxy(w, proxy));
    }

    private async Task UpdateProxyAsync(HttpContext context)
    {
        var name = Route(context, "proxy");
        registry.Get(name); // 404 before any body error, as Toxiproxy
        using var body = await RequestBody.ReadAsync(context);
        var fields = new JsonFields(body.RootElement);
        _ = fields.String("name"); // ignored, but type-checked as Toxiproxy's decoder does
        var listen = fields.String("listen");
        var upstream = fields.String("upstream");
        var proxy = registry.Update(
            name,
            string.IsNullOrEmpty(listen) ? null : listen,
            string.IsNullOrEmpty(upstream) ? null : upstream,
            fields.Bool("enabled"));
        await ApiResponses.JsonAsync(context, 200, w => ApiJson.WriteProxy(w, proxy));
    }

    private Task DeleteProxyAsync(HttpContext context)
    {
        registry.Delete(Route(context, "proxy"));
        return ApiResponses.NoContent(context);
    }

    private static void WriteProxyList(System.Text.Json.Utf8JsonWriter writer, IEnumerable<ProxySnapshot> proxies)
    {
        writer.WriteStartArray("proxies");
        foreach (var proxy in proxies)
        {
            ApiJson.WriteProxy(writer, proxy);
        }

        writer.WriteEndArray();
    }
}
