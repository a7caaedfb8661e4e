using System.Net;
using System.Net.Http.Json;
using ChatResilience.Simulator.Load.Sharded.Remote;
using ChatResilience.Simulator.Sharding;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.Sharding;

/// <summary>The coordinators' shared secret: checked before anything else on both APIs, and presented by their processes.</summary>
public sealed class CoordinatorSecretTests
{
    private const string Secret = "s3cret-of-this-run";

    [Theory]
    [InlineData("Bearer s3cret-of-this-run", true)]
    [InlineData("bearer  s3cret-of-this-run ", true)]
    [InlineData("Bearer s3cret-of-this-ru", false)]
    [InlineData("Bearer s3cret-of-this-runX", false)]
    [InlineData("Basic s3cret-of-this-run", false)]
    [InlineData("s3cret-of-this-run", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Matches_OnlyTheBearerSecretItself(string? authorization, bool matches) =>
        Assert.Equal(matches, CoordinatorSecret.Matches(authorization, Secret));

    [Fact]
    public void OpenWarning_OnlyForAnApiOtherMachinesReach_WithoutASecret()
    {
        Assert.Null(CoordinatorSecret.OpenWarning(IPAddress.Loopback, null));
        Assert.Null(CoordinatorSecret.OpenWarning(IPAddress.Any, Secret));
        Assert.Contains("set CHATSIM_COORDINATOR_TOKEN", CoordinatorSecret.OpenWarning(IPAddress.Any, null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCoordinatorApi_RefusesEveryRequestWithoutTheSecret_With401NamingTheVariable()
    {
        var state = new CoordinatorState(2, () => throw new InvalidOperationException("no assignment without the secret"), () => 0);
        await using var api = await CoordinatorApi.StartAsync(state, () => 1.5, IPAddress.Loopback, 0, secret: Secret);
        using var anonymous = new HttpClient { BaseAddress = api.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        using var member = new HttpClient { BaseAddress = api.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        CoordinatorSecret.Apply(member, Secret);

        using var refused = await anonymous.GetAsync("v1/clock");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(CoordinatorSecret.EnvironmentVariable, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var registration = await anonymous.PostAsJsonAsync("v1/register", new RegisterRequest(WorkerProtocol.Version, "a", "h", 1));
        Assert.Equal(HttpStatusCode.Unauthorized, registration.StatusCode);
        Assert.Equal(1.5, (await member.GetFromJsonAsync<ClockReading>("v1/clock"))!.CoordinatorMs);

        // A worker with another secret is refused at registration and exits 4 saying so.
        using var log = new StringWriter();
        Assert.Equal(4, await new ShardWorker(api.BaseUri, secret: "a guess").RunAsync(log).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("registration: coordinator answered 401", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadCoordinatorApi_RefusesAProcessWithTheWrongSecret_WhichExits4SayingSo()
    {
        using var book = new RemoteLoadProcesses(2, new FakeTimeProvider(), TextWriter.Null);
        await using var api = await LoadCoordinatorApi.StartAsync(book, IPAddress.Loopback, 0, secret: Secret);
        using var output = new StringWriter();

        var exit = await new LoadProcessClient(api.BaseUri, secret: "a guess").RunAsync(output).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, exit);
        Assert.Contains("registration: coordinator answered 401", output.ToString(), StringComparison.Ordinal);
        using var member = new HttpClient { BaseAddress = api.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        CoordinatorSecret.Apply(member, Secret);
        Assert.True((await member.GetFromJsonAsync<LoadClockReading>("v1/load/clock"))!.UnixMs > 0);
    }
}
