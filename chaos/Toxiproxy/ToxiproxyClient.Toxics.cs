using System.Text.Json;
using ChatResilience.Chaos.Toxiproxy.Internal;

namespace ChatResilience.Chaos.Toxiproxy;

public sealed partial class ToxiproxyClient
{
    /// <summary>GET /proxies/{proxy}/toxics.</summary>
    public async Task<IReadOnlyList<Toxic>> GetToxicsAsync(string proxy, CancellationToken cancellationToken = default)
    {
        using var doc = await GetJsonAsync($"proxies/{Escape(proxy)}/toxics", cancellationToken);
        return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().Select(ToxiproxyJson.ReadToxic).ToList() : [];
    }

    /// <summary>GET /proxies/{proxy}/toxics/{name}.</summary>
    public async Task<Toxic> GetToxicAsync(string proxy, string name, CancellationToken cancellationToken = default)
    {
        using var doc = await GetJsonAsync($"proxies/{Escape(proxy)}/toxics/{Escape(name)}", cancellationToken);
        return ToxiproxyJson.ReadToxic(doc.RootElement);
    }

    /// <summary>POST /proxies/{proxy}/toxics (200): adds a toxic; 409 if the name exists on the proxy.</summary>
    public async Task<Toxic> AddToxicAsync(string proxy, ToxicDefinition toxic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toxic);
        var body = ToxiproxyJson.Write(w => ToxiproxyJson.WriteToxic(w, toxic));
        return ReadToxic(await SendAsync(HttpMethod.Post, $"proxies/{Escape(proxy)}/toxics", body, idempotent: false, cancellationToken));
    }

    /// <summary>PATCH /proxies/{proxy}/toxics/{name}: attributes (merged key by key) and/or toxicity.</summary>
    /// <param name="proxy">Proxy name.</param>
    /// <param name="name">Toxic name.</param>
    /// <param name="attributes">New attributes (must be of the toxic's type); null leaves them unchanged.</param>
    /// <param name="toxicity">New toxicity; null leaves it unchanged.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<Toxic> UpdateToxicAsync(string proxy, string name, ToxicAttributes? attributes, double? toxicity = null, CancellationToken cancellationToken = default)
    {
        var body = ToxiproxyJson.Write(w =>
        {
            w.WriteStartObject();
            if (toxicity is { } t)
            {
                w.WriteNumber("toxicity", t);
            }

            if (attributes is not null)
            {
                w.WriteStartObject("attributes");
                attributes.WriteMembers(w);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
        return ReadToxic(await SendAsync(HttpMethod.Patch, $"proxies/{Escape(proxy)}/toxics/{Escape(name)}", body, idempotent: false, cancellationToken));
    }

    /// <summary>DELETE /proxies/{proxy}/toxics/{name} (204).</summary>
    public Task DeleteToxicAsync(string proxy, string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"proxies/{Escape(proxy)}/toxics/{Escape(name)}", null, idempotent: false, cancellationToken);

    private static Toxic ReadToxic(ApiReply reply)
    {
        using var doc = JsonDocument.Parse(reply.Body);
        return ToxiproxyJson.ReadToxic(doc.RootElement);
    }
}
