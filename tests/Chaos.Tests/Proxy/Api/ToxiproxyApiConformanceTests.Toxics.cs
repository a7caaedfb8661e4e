using System.Text.Json;

namespace ChatResilience.Chaos.Tests.Proxy.Api;

public sealed partial class ToxiproxyApiConformanceTests
{
    private async Task<JsonElement> AddToxicAsync(string proxy, string body)
    {
        var reply = await target.SendAsync(HttpMethod.Post, $"proxies/{proxy}/toxics", body);
        Assert.Equal(200, reply.Status);
        return Parse(reply.Body);
    }

    [Fact]
    public async Task AddToxic_Is200_WithDefaultNameStreamToxicity_AndEveryAttribute()
    {
        var (name, _) = await CreateAsync();
        var toxic = await AddToxicAsync(name, """{"type":"latency","attributes":{"latency":100}}""");
        Assert.Equal("latency_downstream", toxic.GetProperty("name").GetString());
        Assert.Equal("latency", toxic.GetProperty("type").GetString());
        Assert.Equal("downstream", toxic.GetProperty("stream").GetString());
        Assert.Equal(1.0, toxic.GetProperty("toxicity").GetDouble());
        Assert.Equal(100, toxic.GetProperty("attributes").GetProperty("latency").GetInt64());
        Assert.Equal(0, toxic.GetProperty("attributes").GetProperty("jitter").GetInt64());
    }

    [Theory]
    [InlineData("bandwidth", "rate")]
    [InlineData("slow_close", "delay")]
    [InlineData("timeout", "timeout")]
    [InlineData("reset_peer", "timeout")]
    [InlineData("limit_data", "bytes")]
    public async Task AddToxic_EveryType_ListsItsAttributes(string type, string attribute)
    {
        var (name, _) = await CreateAsync();
        var toxic = await AddToxicAsync(name, "{\"type\":\"" + type + "\",\"stream\":\"UPSTREAM\",\"attributes\":{\"" + attribute + "\":7}}");
        // Toxiproxy keeps the stream as given ("UPSTREAM"); the embedded proxy normalises it to lower case.
        Assert.Equal(type + "_upstream", toxic.GetProperty("name").GetString(), ignoreCase: true);
        Assert.Equal("upstream", toxic.GetProperty("stream").GetString(), ignoreCase: true);
        Assert.Equal(7, toxic.GetProperty("attributes").GetProperty(attribute).GetInt64());
    }

    [Fact]
    public async Task AddToxic_SlicerAndNoop_AreAccepted()
    {
        var (name, _) = await CreateAsync();
        var slicer = await AddToxicAsync(name, """{"type":"slicer","attributes":{"average_size":10,"size_variation":5,"delay":100}}""");
        Assert.Equal(5, slicer.GetProperty("attributes").GetProperty("size_variation").GetInt64());
        var noop = await AddToxicAsync(name, """{"type":"noop","name":"n","toxicity":0.5}""");
        Assert.Equal(0.5, noop.GetProperty("toxicity").GetDouble(), 3);
    }

    [Fact]
    public async Task AddToxic_NamesAreUniqueAcrossDirections_409()
    {
        var (name, _) = await CreateAsync();
        await AddToxicAsync(name, """{"name":"x","type":"latency","stream":"upstream"}""");
        AssertError(await target.SendAsync(HttpMethod.Post, $"proxies/{name}/toxics", """{"name":"x","type":"latency","stream":"downstream"}"""), 409, "toxic already exists");
    }

    [Fact]
    public async Task AddToxic_BadStreamOrType_Are400()
    {
        var (name, _) = await CreateAsync();
        AssertError(await target.SendAsync(HttpMethod.Post, $"proxies/{name}/toxics", """{"type":"latency","stream":"sideways"}"""), 400, "stream was invalid, can be either upstream or downstream");
        AssertError(await target.SendAsync(HttpMethod.Post, $"proxies/{name}/toxics", """{"type":"gremlin"}"""), 400, "invalid toxic type");
        AssertError(await target.SendAsync(HttpMethod.Post, $"proxies/{name}/toxics", """{"type":"gremlin","stream":"sideways"}"""), 400, "stream was invalid, can be either upstream or downstream");
    }

    [Fact]
    public async Task AddToxic_WrongAttributeType_Is400()
    {
        var (name, _) = await CreateAsync();
        Assert.Equal(400, (await target.SendAsync(HttpMethod.Post, $"proxies/{name}/toxics", """{"type":"latency","attributes":{"latency":"slow"}}""")).Status);
    }

    [Fact]
    public async Task AddToxic_UnknownProxy_Is404() =>
        AssertError(await target.SendAsync(HttpMethod.Post, "proxies/nope/toxics", """{"type":"latency"}"""), 404, "proxy not found");

    [Fact]
    public async Task UpdateToxic_MergesAttributesKeyByKey_AndSetsToxicity()
    {
        var (name, _) = await CreateAsync();
        await AddToxicAsync(name, """{"name":"s","type":"slicer","attributes":{"average_size":10,"size_variation":5,"delay":100}}""");
        var reply = await target.SendAsync(HttpMethod.Patch, $"proxies/{name}/toxics/s", """{"attributes":{"delay":200},"toxicity":0.25}""");
        Assert.Equal(200, reply.Status);
        var toxic = Parse(reply.Body);
        Assert.Equal(10, toxic.GetProperty("attributes").GetProperty("average_size").GetInt64());
        Assert.Equal(200, toxic.GetProperty("attributes").GetProperty("delay").GetInt64());
        Assert.Equal(0.25, toxic.GetProperty("toxicity").GetDouble(), 3);
        var viaPost = await target.SendAsync(HttpMethod.Post, $"proxies/{name}/toxics/s", """{"attributes":{"delay":300}}""");
        Assert.Equal(300, Parse(viaPost.Body).GetProperty("attributes").GetProperty("delay").GetInt64());
    }

    [Fact]
    public async Task GetListDeleteToxic_AndUnknownToxic404()
    {
        var (name, _) = await CreateAsync();
        await AddToxicAsync(name, """{"name":"t","type":"timeout","attributes":{"timeout":10}}""");
        var list = await target.SendAsync(HttpMethod.Get, $"proxies/{name}/toxics");
        Assert.Equal("t", Assert.Single(Parse(list.Body).EnumerateArray()).GetProperty("name").GetString());
        var one = await target.SendAsync(HttpMethod.Get, $"proxies/{name}/toxics/t");
        Assert.Equal(10, Parse(one.Body).GetProperty("attributes").GetProperty("timeout").GetInt64());
        Assert.Equal(204, (await target.SendAsync(HttpMethod.Delete, $"proxies/{name}/toxics/t")).Status);
        AssertError(await target.SendAsync(HttpMethod.Get, $"proxies/{name}/toxics/t"), 404, "toxic not found");
        AssertError(await target.SendAsync(HttpMethod.Delete, $"proxies/{name}/toxics/t"), 404, "toxic not found");
    }

    [Fact]
    public async Task Reset_Is204_EnablesEveryProxyAndRemovesEveryToxic()
    {
        var (name, _) = await CreateAsync(enabled: false);
        await AddToxicAsync(name, """{"type":"latency","attributes":{"latency":5}}""");
        Assert.Equal(204, (await target.SendAsync(HttpMethod.Post, "reset")).Status);
        var proxy = Parse((await target.SendAsync(HttpMethod.Get, "proxies/" + name)).Body);
        Assert.True(proxy.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, proxy.GetProperty("toxics").GetArrayLength());
    }

    [Fact]
    public async Task Populate_Is201_KeepsEqualProxiesAndReplacesDifferentOnes()
    {
        var (kept, keptProxy) = await CreateAsync();
        var (replaced, replacedProxy) = await CreateAsync();
        await AddToxicAsync(kept, """{"type":"latency"}""");
        await AddToxicAsync(replaced, """{"type":"latency"}""");
        var fresh = NewName();
        var body = $$"""
            [{"name":"{{kept}}","listen":"{{keptProxy.GetProperty("listen").GetString()}}","upstream":"127.0.0.1:1"},
             {"name":"{{replaced}}","listen":"{{replacedProxy.GetProperty("listen").GetString()}}","upstream":"127.0.0.1:9"},
             {"name":"{{fresh}}","listen":"127.0.0.1:0","upstream":"127.0.0.1:1"}]
            """;
        var reply = await target.SendAsync(HttpMethod.Post, "populate", body);
        Assert.Equal(201, reply.Status);
        var proxies = Parse(reply.Body).GetProperty("proxies").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(3, proxies.Count);
        Assert.Equal(1, proxies[kept].GetProperty("toxics").GetArrayLength());
        Assert.Equal(0, proxies[replaced].GetProperty("toxics").GetArrayLength());
        Assert.Equal("127.0.0.1:9", proxies[replaced].GetProperty("upstream").GetString());
    }

    [Fact]
    public async Task Populate_ValidatesEveryEntryFirst_400CreatesNothing()
    {
        var fresh = NewName();
        var reply = await target.SendAsync(HttpMethod.Post, "populate", $$"""[{"name":"{{fresh}}","listen":"127.0.0.1:0","upstream":"127.0.0.1:1"},{"name":"x"}]""");
        Assert.Equal(400, reply.Status);
        Assert.Equal(404, (await target.SendAsync(HttpMethod.Get, "proxies/" + fresh)).Status);
    }
}
