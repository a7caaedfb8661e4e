using System.Text.Json;
using ChatResilience.Chaos.Tests.Support;

namespace ChatResilience.Chaos.Tests.Proxy.Api;

/// <summary>
/// TOXIPROXY.md's API, endpoint by endpoint, over raw HTTP. Runs against the embedded proxy, or against a
/// real toxiproxy-server when TOXIPROXY_URL is set (then the EmbeddedOnly fix cases are skipped).
/// </summary>
public sealed partial class ToxiproxyApiConformanceTests(ToxiproxyTarget target) : IClassFixture<ToxiproxyTarget>, IAsyncLifetime
{
    private readonly List<string> _created = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var name in _created)
        {
            await target.SendAsync(HttpMethod.Delete, "proxies/" + name);
        }
    }

    private string NewName()
    {
        var name = "ct" + Guid.NewGuid().ToString("N")[..10];
        _created.Add(name);
        return name;
    }

    private async Task<(string Name, JsonElement Proxy)> CreateAsync(string upstream = "127.0.0.1:1", bool enabled = true)
    {
        var name = NewName();
        var reply = await target.SendAsync(HttpMethod.Post, "proxies", $$"""{"name":"{{name}}","listen":"127.0.0.1:0","upstream":"{{upstream}}","enabled":{{(enabled ? "true" : "false")}}}""");
        Assert.Equal(201, reply.Status);
        return (name, Parse(reply.Body));
    }

    private static JsonElement Parse(string body) => JsonDocument.Parse(body).RootElement.Clone();

    private static void AssertError(RawReply reply, int status, string message)
    {
        Assert.Equal(status, reply.Status);
        var body = Parse(reply.Body);
        Assert.Equal(message, body.GetProperty("error").GetString());
        Assert.Equal(status, body.GetProperty("status").GetInt32());
    }

    private static int Port(JsonElement proxy) => int.Parse(proxy.GetProperty("listen").GetString()!.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Version_Returns200WithVersion()
    {
        var reply = await target.SendAsync(HttpMethod.Get, "version");
        Assert.Equal(200, reply.Status);
        Assert.False(string.IsNullOrEmpty(Parse(reply.Body).GetProperty("version").GetString()));
    }

    [Fact]
    public async Task CreateProxy_Returns201_WithBoundPortEnabledAndNoToxics()
    {
        var (name, proxy) = await CreateAsync();
        Assert.Equal(name, proxy.GetProperty("name").GetString());
        Assert.NotEqual(0, Port(proxy));
        Assert.StartsWith("127.0.0.1:", proxy.GetProperty("listen").GetString(), StringComparison.Ordinal);
        Assert.True(proxy.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, proxy.GetProperty("toxics").GetArrayLength());
    }

    [Fact]
    public async Task CreateProxy_Duplicate_Is409()
    {
        var (name, _) = await CreateAsync();
        var reply = await target.SendAsync(HttpMethod.Post, "proxies", $$"""{"name":"{{name}}","listen":"127.0.0.1:0","upstream":"127.0.0.1:1"}""");
        AssertError(reply, 409, "proxy already exists");
    }

    [Fact]
    public async Task CreateProxy_MissingFields_Are400NamingTheField()
    {
        AssertError(await target.SendAsync(HttpMethod.Post, "proxies", """{"upstream":"127.0.0.1:1"}"""), 400, "missing required field: name");
        AssertError(await target.SendAsync(HttpMethod.Post, "proxies", $$"""{"name":"{{NewName()}}"}"""), 400, "missing required field: upstream");
    }

    [Fact]
    public async Task CreateProxy_KeysCaseInsensitive_UnknownIgnored_NullIsNotGiven()
    {
        var name = NewName();
        var reply = await target.SendAsync(HttpMethod.Post, "proxies", $$"""{"NAME":"{{name}}","Listen":"127.0.0.1:0","UpStream":"127.0.0.1:1","enabled":null,"whatever":[1,2]}""");
        Assert.Equal(201, reply.Status);
        var proxy = Parse(reply.Body);
        Assert.Equal(name, proxy.GetProperty("name").GetString());
        Assert.Equal("127.0.0.1:1", proxy.GetProperty("upstream").GetString());
        Assert.True(proxy.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task ErrorBodies_AreJsonWithTextPlainContentType()
    {
        var reply = await target.SendAsync(HttpMethod.Get, "proxies/does-not-exist");
        AssertError(reply, 404, "proxy not found");
        Assert.Equal("text/plain", reply.MediaType);
        Assert.EndsWith("\n", reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListProxies_IsKeyedByName()
    {
        var (a, _) = await CreateAsync();
        var (b, _) = await CreateAsync();
        var reply = await target.SendAsync(HttpMethod.Get, "proxies");
        Assert.Equal(200, reply.Status);
        var all = Parse(reply.Body);
        Assert.Equal(a, all.GetProperty(a).GetProperty("name").GetString());
        Assert.Equal(b, all.GetProperty(b).GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateProxy_DisableThenEnable_KeepsBoundPort_PatchAndDeprecatedPost()
    {
        var (name, proxy) = await CreateAsync();
        var port = Port(proxy);
        var disabled = await target.SendAsync(HttpMethod.Patch, "proxies/" + name, """{"enabled":false}""");
        Assert.Equal(200, disabled.Status);
        Assert.False(Parse(disabled.Body).GetProperty("enabled").GetBoolean());
        var enabled = await target.SendAsync(HttpMethod.Post, "proxies/" + name, """{"enabled":true}""");
        Assert.Equal(200, enabled.Status);
        Assert.True(Parse(enabled.Body).GetProperty("enabled").GetBoolean());
        Assert.Equal(port, Port(Parse(enabled.Body)));
    }

    [Fact]
    public async Task UpdateProxy_ChangesUpstream()
    {
        var (name, _) = await CreateAsync();
        var reply = await target.SendAsync(HttpMethod.Patch, "proxies/" + name, """{"upstream":"127.0.0.1:2"}""");
        Assert.Equal(200, reply.Status);
        Assert.Equal("127.0.0.1:2", Parse(reply.Body).GetProperty("upstream").GetString());
    }

    [Fact]
    public async Task UpdateProxy_Unknown_Is404() =>
        AssertError(await target.SendAsync(HttpMethod.Patch, "proxies/nope", """{"enabled":false}"""), 404, "proxy not found");

    [Fact]
    public async Task DeleteProxy_Is204_ThenGetIs404()
    {
        var (name, _) = await CreateAsync();
        var reply = await target.SendAsync(HttpMethod.Delete, "proxies/" + name);
        Assert.Equal(204, reply.Status);
        Assert.Equal("", reply.Body);
        AssertError(await target.SendAsync(HttpMethod.Get, "proxies/" + name), 404, "proxy not found");
        AssertError(await target.SendAsync(HttpMethod.Delete, "proxies/" + name), 404, "proxy not found");
    }

    [Fact]
    public async Task WrongMethod_Is405WithEmptyBody()
    {
        var reply = await target.SendAsync(HttpMethod.Put, "proxies");
        Assert.Equal(405, reply.Status);
        Assert.Equal("", reply.Body);
    }

    [Fact]
    public async Task UnknownPath_Is404() =>
        Assert.Equal(404, (await target.SendAsync(HttpMethod.Get, "no/such/path")).Status);

    [Fact]
    public async Task BrowserUserAgent_Is403() =>
        Assert.Equal(403, (await target.SendAsync(HttpMethod.Get, "proxies", userAgent: "Mozilla/5.0 (X11; Linux x86_64)")).Status);
}
