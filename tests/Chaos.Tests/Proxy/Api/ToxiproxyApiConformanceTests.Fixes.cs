using ChatResilience.Chaos.Tests.Support;

namespace ChatResilience.Chaos.Tests.Proxy.Api;

/// <summary>Where Toxiproxy crashes or misbehaves, the embedded proxy answers 400 (TOXIPROXY.md "fix").</summary>
public sealed partial class ToxiproxyApiConformanceTests
{
    [EmbeddedOnlyTheory]
    [Trait("Category", "EmbeddedOnly")]
    [InlineData("""{"type":"latency","attributes":{"latency":-1}}""", "latency must be between 0")]
    [InlineData("""{"type":"latency","attributes":{"jitter":-5}}""", "jitter must be between 0")]
    [InlineData("""{"type":"bandwidth","attributes":{"rate":-100}}""", "rate must be between 0")]
    [InlineData("""{"type":"timeout","attributes":{"timeout":-1}}""", "timeout must be between 0")]
    [InlineData("""{"type":"limit_data","attributes":{"bytes":-1}}""", "bytes must be between 0")]
    [InlineData("""{"type":"slicer","attributes":{"average_size":0}}""", "average_size must be greater than 0")]
    [InlineData("""{"type":"slicer","attributes":{"average_size":10,"size_variation":11}}""", "size_variation (11) must not exceed average_size (10)")]
    [InlineData("""{"type":"latency","attributes":{"latency":99999999999}}""", "latency must be between 0")]
    [InlineData("""{"type":"latency","toxicity":1.5}""", "toxicity must be between 0 and 1")]
    public async Task AddToxic_ValuesThatCrashToxiproxy_Are400WithClearMessage(string body, string expected)
    {
        var (name, _) = await CreateAsync();
        var reply = await target.SendAsync(HttpMethod.Post, $"proxies/{name}/toxics", body);
        Assert.Equal(400, reply.Status);
        Assert.Contains(expected, reply.Body, StringComparison.Ordinal);
        Assert.Equal(200, (await target.SendAsync(HttpMethod.Get, "version")).Status);
    }

    [EmbeddedOnlyFact]
    [Trait("Category", "EmbeddedOnly")]
    public async Task UpdateToxic_ToCrashingValues_Is400AndKeepsTheToxic()
    {
        var (name, _) = await CreateAsync();
        await target.SendAsync(HttpMethod.Post, $"proxies/{name}/toxics", """{"name":"s","type":"slicer","attributes":{"average_size":10}}""");
        var reply = await target.SendAsync(HttpMethod.Patch, $"proxies/{name}/toxics/s", """{"attributes":{"average_size":0}}""");
        Assert.Equal(400, reply.Status);
        Assert.Contains("average_size", reply.Body, StringComparison.Ordinal);
        Assert.Contains("\"average_size\":10", (await target.SendAsync(HttpMethod.Get, $"proxies/{name}/toxics/s")).Body, StringComparison.Ordinal);
    }

    [EmbeddedOnlyFact]
    [Trait("Category", "EmbeddedOnly")]
    public async Task MalformedBodies_Are400_AndNeverCrashTheProxy()
    {
        var (name, _) = await CreateAsync();
        string[] bodies = ["", "{", "[]", "\"text\"", "null", "42", """{"name":1}""", """{"name":"a","upstream":"b","enabled":"yes"}""", "{\"a\":" + new string('[', 200)];
        string[] paths = ["proxies", "populate", $"proxies/{name}", $"proxies/{name}/toxics"];
        foreach (var path in paths)
        {
            // An empty array is a valid (empty) populate.
            foreach (var body in bodies.Where(b => !(path == "populate" && b == "[]")))
            {
                var reply = await target.SendAsync(HttpMethod.Post, path, body);
                Assert.True(reply.Status == 400, $"POST {path} with {body[..Math.Min(body.Length, 20)]} gave {reply.Status}: {reply.Body}");
            }
        }

        Assert.Equal(200, (await target.SendAsync(HttpMethod.Get, "proxies/" + name)).Status);
    }

    [EmbeddedOnlyFact]
    [Trait("Category", "EmbeddedOnly")]
    public async Task RandomGarbage_NeverGivesA5xx()
    {
        var random = new Random(1234);
        var (name, _) = await CreateAsync();
        string[] paths = ["proxies", "populate", $"proxies/{name}", $"proxies/{name}/toxics", "reset"];
        for (var i = 0; i < 100; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            var body = i % 2 == 0 ? Convert.ToBase64String(bytes) : System.Text.Encoding.Latin1.GetString(bytes);
            var reply = await target.SendAsync(HttpMethod.Post, paths[i % paths.Length], body);
            Assert.True(reply.Status < 500, $"gave {reply.Status}: {reply.Body}");
        }
    }
}
