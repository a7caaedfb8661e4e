using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace ChatResilience.Server.Tests.Hosting;

public sealed class HostingTests
{
    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task Upgrade_WithHeaderToken_Welcome()
    {
        await using var h = await HostHarness.StartAsync();
        var c = await h.OpenAsync(h.Host.IssueToken("u1"));
        await c.SendAsync(new HelloFrame { ClientId = "c1" });
        Assert.Equal("u1", (await c.ExpectAsync<WelcomeFrame>()).UserId);
    }

    [Fact]
    public async Task Upgrade_WithoutSubprotocol_400()
    {
        await using var h = await HostHarness.StartAsync();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => h.OpenAsync(h.Host.IssueToken("u1"), subProtocol: null));
        Assert.Contains("400", e.Message, StringComparison.Ordinal);
        var other = await Assert.ThrowsAnyAsync<Exception>(() => h.OpenAsync(h.Host.IssueToken("u1"), subProtocol: "chatresilience.v2"));
        Assert.Contains("400", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainGet_OnWs_400()
    {
        await using var h = await HostHarness.StartAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Http().GetAsync(new Uri("/ws", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("tampered")]
    [InlineData("none")]
    [InlineData("expired")]
    [InlineData("otherkey")]
    public async Task Upgrade_BadHeaderToken_401BeforeUpgrade(string kind)
    {
        await using var h = await HostHarness.StartAsync();
        var token = BadToken(h, kind);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => h.OpenAsync(token));
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("tampered")]
    [InlineData("none")]
    [InlineData("expired")]
    [InlineData("otherkey")]
    public async Task Hello_BadToken_Closes4401(string kind)
    {
        await using var h = await HostHarness.StartAsync();
        var c = await h.OpenAsync();
        await c.SendAsync(new HelloFrame { ClientId = "c1", Token = BadToken(h, kind) });
        Assert.Equal(CloseCodes.Unauthorized, (await c.ExpectClosedAsync()).Close.Code);
    }

    [Fact]
    public async Task QueryStringToken_IsNeverRead()
    {
        await using var h = await HostHarness.StartAsync();
        var c = await h.OpenAsync(path: "ws?access_token=" + h.Host.IssueToken("u1"));
        await c.SendAsync(new HelloFrame { ClientId = "c1" });
        Assert.Equal(CloseCodes.Unauthorized, (await c.ExpectClosedAsync()).Close.Code);
    }

    [Fact]
    public async Task HelloToken_Works_AndTokenForOtherUserThanHeader_4403()
    {
        await using var h = await HostHarness.StartAsync();
        var c = await h.OpenAsync();
        await c.SendAsync(new HelloFrame { ClientId = "c1", Token = h.Host.IssueToken("u9") });
        Assert.Equal("u9", (await c.ExpectAsync<WelcomeFrame>()).UserId);
        var d = await h.OpenAsync(h.Host.IssueToken("u1"), clientId: "c2");
        await d.SendAsync(new HelloFrame { ClientId = "c2", Token = h.Host.IssueToken("u2") });
        Assert.Equal(CloseCodes.Forbidden, (await d.ExpectClosedAsync()).Close.Code);
    }

    [Fact]
    public async Task Admin_RequiresRole_DeleteRoomSendsLeft()
    {
        await using var h = await HostHarness.StartAsync();
        var c = await h.OpenAsync(h.Host.IssueToken("u1"));
        await c.SendAsync(new HelloFrame { ClientId = "c1" });
        await c.ExpectAsync<WelcomeFrame>();
        await c.SendAsync(new JoinFrame { Room = "r1" });
        await c.ExpectAsync<JoinedFrame>();

        var path = new Uri("/admin/rooms/r1", UriKind.Relative);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Http().DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Http(BadToken(h, "tampered")).DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Http(h.Host.IssueToken("u1")).DeleteAsync(path)).StatusCode);
        var admin = h.Http(h.Host.IssueToken("root", admin: true));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri("/admin/rooms/r1/members/nobody", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync(new Uri("/admin/rooms/BAD!", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(path)).StatusCode);
        var left = await c.ExpectAsync<LeftFrame>();
        Assert.Equal(("r1", "room_deleted"), (left.Room, left.Code));
        await c.SendAsync(c.Send("r1", "late", h.Time.GetUtcNow().ToUnixTimeMilliseconds()));
        Assert.Equal(ErrorCodes.NoSuchRoom, Assert.Single((await c.SettledAsync(1)).OfType<NackFrame>()).Code);
    }

    [Fact]
    public async Task DevToken_IssuesUsableTokens_AndIsOffInProduction()
    {
        await using (var h = await HostHarness.StartAsync())
        {
            var response = await h.Http().PostAsJsonAsync(new Uri("/dev/token", UriKind.Relative), new { sub = "dev1", admin = true, lifetimeSeconds = 60 });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            var validated = await h.Host.Tokens.ValidateAsync(body.GetProperty("token").GetString()!);
            Assert.Equal(("dev1", true), (validated.Identity!.UserId, validated.Identity.IsAdmin));
            Assert.Equal(HttpStatusCode.BadRequest, (await h.Http().PostAsync(new Uri("/dev/token", UriKind.Relative), new StringContent("{\"sub\":\"bad user\"}"))).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await h.Http().PostAsync(new Uri("/dev/token", UriKind.Relative), new StringContent("nope"))).StatusCode);
        }

        await using var prod = await HostHarness.StartAsync(environment: "Production", signingKey: "a-production-signing-key-of-at-least-32-bytes!");
        Assert.Equal(HttpStatusCode.NotFound, (await prod.Http().PostAsJsonAsync(new Uri("/dev/token", UriKind.Relative), new { sub = "x" })).StatusCode);
    }

    [Fact]
    public async Task Configuration_IsReadOnce_NothingWatchesTheWorkingDirectory()
    {
        // A reloading JSON source watches the content root, where the default database lives (ChatServerHost.NoConfigReload).
        await using var h = await HostHarness.StartAsync();
        var files = ((IConfigurationRoot)h.Host.App.Configuration).Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.Contains(files, f => f.Source.Path == "appsettings.json"); // still read, once
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, f.Source.Path));
    }

    [Fact]
    public async Task Metrics_AndHealthz()
    {
        await using var h = await HostHarness.StartAsync();
        var c = await h.OpenAsync(h.Host.IssueToken("u1"));
        await c.SendAsync(new HelloFrame { ClientId = "c1" });
        await c.ExpectAsync<WelcomeFrame>();
        Assert.Equal("ok", await h.Http().GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var metrics = await h.Http().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("# TYPE chat_server_connections gauge", metrics, StringComparison.Ordinal);
        Assert.Contains("chat_server_connections 1", metrics, StringComparison.Ordinal);
        Assert.Contains("chat_server_frames_in_total", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_TwoHostsInOneProcess_EachReportsItsOwn_EachFamilyOnce()
    {
        await using var a = await HostHarness.StartAsync();
        await using var b = await HostHarness.StartAsync();
        foreach (var (h, user) in new[] { (a, "a1"), (b, "b1"), (b, "b2") })
        {
            var c = await h.OpenAsync(h.Host.IssueToken(user));
            await c.SendAsync(new HelloFrame { ClientId = "c-" + user });
            await c.ExpectAsync<WelcomeFrame>();
        }

        var metricsA = await a.Http().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var metricsB = await b.Http().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("\nchat_server_connections 1\n", metricsA, StringComparison.Ordinal);
        Assert.Contains("\nchat_server_connections 2\n", metricsB, StringComparison.Ordinal);
        foreach (var metrics in new[] { metricsA, metricsB })
        {
            var families = metrics.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();
            Assert.Equal(families.Count, families.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [Fact]
    public async Task Metrics_ExposeProcessCpuMemoryGcAndThreadPool()
    {
        await using var h = await HostHarness.StartAsync();
        GC.Collect();
        var metrics = await h.Http().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var cpu = Value(metrics, "dotnet_process_cpu_time_seconds_total{cpu_mode=\"user\"}");
        Assert.True(cpu > 0, $"cpu seconds {cpu}");
        Assert.Contains("# TYPE dotnet_process_cpu_time_seconds_total counter", metrics, StringComparison.Ordinal);
        Assert.True(Value(metrics, "dotnet_process_memory_working_set_bytes") > 1_000_000);
        Assert.True(Value(metrics, "dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation=\"gen0\"}") >= 0);
        Assert.True(Value(metrics, "dotnet_gc_collections_total{gc_heap_generation=\"gen2\"}") >= 1);
        Assert.True(Value(metrics, "dotnet_thread_pool_queue_length_total") >= 0);
        Assert.True(Value(metrics, "dotnet_thread_pool_thread_count_total") >= 1);

        // CPU time is a running total read at each scrape: it never goes back.
        var again = await h.Http().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.True(Value(again, "dotnet_process_cpu_time_seconds_total{cpu_mode=\"user\"}") >= cpu);
    }

    [Fact]
    public async Task OverCapacity_503WithRetryAfter()
    {
        await using var h = await HostHarness.StartAsync(new ChatServerOptions { MaxConnections = 1 });
        var c = await h.OpenAsync(h.Host.IssueToken("u1"));
        await c.SendAsync(new HelloFrame { ClientId = "c1" });
        await c.ExpectAsync<WelcomeFrame>();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => h.OpenAsync(h.Host.IssueToken("u2")));
        Assert.Contains("503", e.Message, StringComparison.Ordinal);
    }

    private static double Value(string metrics, string series)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no series {series} in /metrics:\n{metrics}");
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string BadToken(HostHarness h, string kind)
    {
        var exp = h.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        var payload = $"{{\"sub\":\"u1\",\"iss\":\"chatresilience\",\"aud\":\"chatresilience\",\"exp\":{exp}}}";
        switch (kind)
        {
            case "garbage":
                return "not.a.jwt";
            case "none":
                return Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64Url(payload) + ".";
            case "tampered":
                var parts = h.Host.IssueToken("u1").Split('.');
                return parts[0] + "." + Base64Url(payload.Replace("u1", "admin", StringComparison.Ordinal)) + "." + parts[2];
            case "expired":
                return h.Host.IssueToken("u1", lifetime: TimeSpan.FromSeconds(-30));
            case "otherkey":
                return new ChatResilience.Server.Hosting.JwtTokenService("some-other-signing-key-also-32-bytes-long", h.Time).Issue("u1");
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }
}
