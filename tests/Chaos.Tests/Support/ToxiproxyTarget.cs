using System.Net.Http.Headers;
using System.Text;
using ChatResilience.Chaos.Proxy;
using ChatResilience.Chaos.Toxiproxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Chaos.Tests.Support;

/// <summary>
/// The Toxiproxy API under test: the embedded proxy by default, a real toxiproxy-server when the
/// environment variable TOXIPROXY_URL is set (e.g. http://127.0.0.1:8474).
/// </summary>
public sealed class ToxiproxyTarget : IAsyncLifetime
{
    public const string UrlVariable = "TOXIPROXY_URL";

    private EmbeddedToxiproxy? _embedded;

    public static string? RealServerUrl => Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : null;

    public bool IsEmbedded => _embedded is not null;

    public Uri ApiUri { get; private set; } = ToxiproxyClient.DefaultBaseAddress;

    public HttpClient Http { get; private set; } = null!;

    public ToxiproxyClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (RealServerUrl is { } url)
        {
            ApiUri = new Uri(url.EndsWith('/') ? url : url + "/");
        }
        else
        {
            _embedded = await EmbeddedToxiproxy.StartAsync(
                new EmbeddedToxiproxyOptions { Port = 0, Seed = 42 }, TimeProvider.System, NullLoggerFactory.Instance);
            ApiUri = _embedded.ApiUri;
        }

        Http = new HttpClient { BaseAddress = ApiUri, Timeout = TimeSpan.FromSeconds(5) };
        Client = new ToxiproxyClient(Http);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }

    /// <summary>A raw request, to check status codes, content types and bodies exactly.</summary>
    public async Task<RawReply> SendAsync(HttpMethod method, string path, string? body = null, string? userAgent = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        using var response = await Http.SendAsync(request);
        return new RawReply(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync());
    }
}

public sealed record RawReply(int Status, string? MediaType, string Body);
