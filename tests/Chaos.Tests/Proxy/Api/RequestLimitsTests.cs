using System.Text;
using ChatResilience.Chaos.Tests.Support;

namespace ChatResilience.Chaos.Tests.Proxy.Api;

public class RequestLimitsTests(EmbeddedProxyFixture fixture) : IClassFixture<EmbeddedProxyFixture>
{
    [Fact]
    [Trait("Category", "EmbeddedOnly")]
    public async Task OversizedBody_IsRefusedWithAClientError_NotA500()
    {
        using var content = new StringContent("[" + new string(' ', 2 * 1024 * 1024) + "]", Encoding.UTF8, "application/json");
        using var response = await fixture.Http.PostAsync("populate", content);
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("2.12.0", await fixture.Client.GetVersionAsync());
    }
}
