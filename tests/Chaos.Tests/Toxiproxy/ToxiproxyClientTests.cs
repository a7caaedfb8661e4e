using System.Net;
using System.Text;
using ChatResilience.Chaos.Toxiproxy;
using ChatResilience.Chaos.Toxiproxy.Internal;
using Polly;

namespace ChatResilience.Chaos.Tests.Toxiproxy;

public class ToxiproxyClientTests
{
    /// <summary>Answers from a script; counts calls.</summary>
    private sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public List<string> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add($"{request.Method} {request.RequestUri} {(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken))}");
            return script[Math.Min(Calls++, script.Length - 1)](request);
        }
    }

    private static HttpResponseMessage Reply(HttpStatusCode status, string body, string mediaType = "text/plain") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    private static HttpResponseMessage Refused(HttpRequestMessage _) =>
        throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused");

    [Theory]
    [InlineData(true, "connect", true)]
    [InlineData(false, "connect", true)]
    [InlineData(true, "other", true)]
    [InlineData(false, "other", false)]
    [InlineData(true, "503", true)]
    [InlineData(false, "503", false)]
    [InlineData(true, "500", false)]
    [InlineData(true, "cancel", false)]
    public void ShouldRetry_OnlyWhereSafe(bool idempotent, string failure, bool expected)
    {
        var outcome = failure switch
        {
            "connect" => Outcome.FromException<ApiReply>(new HttpRequestException(HttpRequestError.ConnectionError, "refused")),
            "other" => Outcome.FromException<ApiReply>(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")),
            "cancel" => Outcome.FromException<ApiReply>(new OperationCanceledException()),
            _ => Outcome.FromResult(new ApiReply(int.Parse(failure, System.Globalization.CultureInfo.InvariantCulture), [])),
        };
        Assert.Equal(expected, ToxiproxyRetry.ShouldRetry(outcome, idempotent));
    }

    [Fact]
    public async Task Get_IsRetriedAfterConnectionFailures()
    {
        var handler = new ScriptedHandler(Refused, Refused, _ => Reply(HttpStatusCode.OK, """{"version":"2.12.0"}""", "application/json"));
        var client = new ToxiproxyClient(new HttpClient(handler));
        Assert.Equal("2.12.0", await client.GetVersionAsync());
        Assert.Equal(3, handler.Calls);
        Assert.StartsWith("GET http://127.0.0.1:8474/version", handler.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_AcceptsPlainTextFromOlderServers()
    {
        var client = new ToxiproxyClient(new HttpClient(new ScriptedHandler(_ => Reply(HttpStatusCode.OK, "2.1.4\n"))));
        Assert.Equal("2.1.4", await client.GetVersionAsync());
    }

    [Fact]
    public async Task Delete_Is503_NotRetried_AndSurfacesTheStatus()
    {
        var handler = new ScriptedHandler(_ => Reply(HttpStatusCode.ServiceUnavailable, """{"error":"timeout","status":503}"""));
        var client = new ToxiproxyClient(new HttpClient(handler) { BaseAddress = new Uri("http://toxiproxy:9000/") });
        var error = await Assert.ThrowsAsync<ToxiproxyException>(() => client.DeleteProxyAsync("p"));
        Assert.Equal(503, error.Status);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task Errors_AreParsedFromTextPlainJson_OrKeptRaw()
    {
        var handler = new ScriptedHandler(
            _ => Reply(HttpStatusCode.Conflict, "{\"error\":\"proxy already exists\",\"status\":409}\n"),
            _ => Reply(HttpStatusCode.NotFound, "404 page not found\n"));
        var client = new ToxiproxyClient(new HttpClient(handler));
        var conflict = await Assert.ThrowsAsync<ToxiproxyException>(() => client.CreateProxyAsync(new ProxyDefinition("p", "127.0.0.1:1")));
        Assert.Equal((409, "proxy already exists"), (conflict.Status, conflict.ToxiproxyMessage));
        var missing = await Assert.ThrowsAsync<ToxiproxyException>(() => client.GetProxyAsync("p"));
        Assert.Equal((404, "404 page not found"), (missing.Status, missing.ToxiproxyMessage));
    }

    [Fact]
    public async Task Responses_IgnoreTheStrayLoggerMember_AndReadTypedAttributes()
    {
        var handler = new ScriptedHandler(_ => Reply(HttpStatusCode.OK, """
            {"name":"p","listen":"127.0.0.1:5000","upstream":"127.0.0.1:6000","enabled":true,"Logger":{},
             "toxics":[{"attributes":{"average_size":10,"size_variation":2,"delay":500},"name":"s","type":"slicer","stream":"upstream","toxicity":0.5},
                       {"attributes":{"x":1},"name":"c","type":"custom","stream":"downstream","toxicity":1}]}
            """, "application/json"));
        var proxy = await new ToxiproxyClient(new HttpClient(handler)).GetProxyAsync("p");
        Assert.Equal(new SlicerAttributes(10, 2, TimeSpan.FromTicks(5000)), proxy.Toxics[0].Attributes);
        Assert.Equal(ToxicStream.Upstream, proxy.Toxics[0].Stream);
        Assert.Equal("custom", proxy.Toxics[1].Type);
        Assert.Equal(1, Assert.IsType<UnknownToxicAttributes>(proxy.Toxics[1].Attributes).Values["x"]);
    }

    [Fact]
    public async Task Cancellation_IsHonoured()
    {
        var client = new ToxiproxyClient(new HttpClient(new ScriptedHandler(Refused)));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetProxiesAsync(cancelled.Token));
    }
}
