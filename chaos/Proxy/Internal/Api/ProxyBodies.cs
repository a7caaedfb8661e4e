using System.Text.Json;

namespace ChatResilience.Chaos.Proxy.Internal.Api;

/// <summary>Parses proxy bodies (create, populate entries, update).</summary>
internal static class ProxyBodies
{
    /// <summary>
    /// Toxiproxy binds an empty listen on every interface; the embedded proxy defaults to loopback with an
    /// OS-assigned port instead, so a forgotten field never exposes a port beyond the machine.
    /// </summary>
    public const string DefaultListen = "127.0.0.1:0";

    public static ProxyConfig ParseCreate(JsonFields body)
    {
        var name = body.String("name");
        var upstream = body.String("upstream");
        var listen = body.String("listen");
        var enabled = body.Bool("enabled") ?? true;
        if (string.IsNullOrEmpty(name))
        {
            throw new ApiException(400, "missing required field: name");
        }

        if (string.IsNullOrEmpty(upstream))
        {
            throw new ApiException(400, "missing required field: upstream");
        }

        return new ProxyConfig(name, string.IsNullOrEmpty(listen) ? DefaultListen : listen, upstream, enabled);
    }

    public static IReadOnlyList<ProxyConfig> ParsePopulate(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest("expected a JSON array of proxies");
        }

        return body.EnumerateArray().Select(e => ParseCreate(new JsonFields(e))).ToList();
    }
}
