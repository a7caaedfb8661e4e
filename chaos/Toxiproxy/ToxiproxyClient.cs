using System.Net.Http.Headers;
using System.Text.Json;
using ChatResilience.Chaos.Toxiproxy.Internal;
using Polly;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>
/// Typed async client for the Toxiproxy HTTP API (real toxiproxy-server 2.x or the embedded proxy).
/// Errors surface as <see cref="ToxiproxyException"/>; idempotent calls are retried on transport failure
/// and 503, other calls only when the request never reached the server.
/// </summary>
public sealed partial class ToxiproxyClient
{
    /// <summary>Toxiproxy's default API address, used when the HttpClient has no BaseAddress.</summary>
    public static readonly Uri DefaultBaseAddress = new("http://127.0.0.1:8474/");

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<ApiReply> _idempotent;
    private readonly ResiliencePipeline<ApiReply> _nonIdempotent;

    /// <summary>Creates a client over <paramref name="httpClient"/> (not disposed by this client).</summary>
    /// <param name="httpClient">Its BaseAddress is the API root; default <see cref="DefaultBaseAddress"/>.</param>
    /// <param name="timeProvider">Schedules retry delays; default <see cref="TimeProvider.System"/>.</param>
    public ToxiproxyClient(HttpClient httpClient, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        var time = timeProvider ?? TimeProvider.System;
        _idempotent = ToxiproxyRetry.Build(time, idempotent: true);
        _nonIdempotent = ToxiproxyRetry.Build(time, idempotent: false);
    }

    /// <summary>The API root requests go to.</summary>
    public Uri BaseAddress => _http.BaseAddress ?? DefaultBaseAddress;

    /// <summary>GET /version: the server's version string (JSON since 2.x; older servers answer plain text).</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(HttpMethod.Get, "version", null, idempotent: true, cancellationToken);
        try
        {
            using var doc = JsonDocument.Parse(reply.Body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String)
            {
                return v.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Plain-text version.
        }

        return System.Text.Encoding.UTF8.GetString(reply.Body).Trim();
    }

    /// <summary>POST /reset: every proxy enabled, every toxic removed.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "reset", null, idempotent: true, cancellationToken);

    private async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(HttpMethod.Get, path, null, idempotent: true, cancellationToken);
        return JsonDocument.Parse(reply.Body);
    }

    private async Task<ApiReply> SendAsync(HttpMethod method, string path, byte[]? body, bool idempotent, CancellationToken cancellationToken)
    {
        var pipeline = idempotent ? _idempotent : _nonIdempotent;
        var reply = await pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var (client, method, path, body) = state;
                using var request = new HttpRequestMessage(method, new Uri(client.BaseAddress, path));
                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
                }

                using var response = await client._http.SendAsync(request, token);
                return new ApiReply((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(token));
            },
            (this, method, path, body),
            cancellationToken);

        if (reply.Status >= 400)
        {
            throw new ToxiproxyException(reply.Status, ToxiproxyJson.ErrorMessage(reply.Body), System.Text.Encoding.UTF8.GetString(reply.Body));
        }

        return reply;
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
