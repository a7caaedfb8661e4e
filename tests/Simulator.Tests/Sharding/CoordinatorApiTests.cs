using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Tests.Sharding;

public sealed class CoordinatorApiTests : IAsyncLifetime
{
    private readonly CoordinatorState _state = new(2, Template, () => 42);
    // A bound, not a measurement: the first request JIT-compiles the app's endpoints, which took over 5 s once on
    // two cores busy with the other test projects (fresh-clone CI, 2026-11-27).
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private CoordinatorApi? _api;

    private Uri Url(string path) => new(_api!.BaseUri, path);

    public async Task InitializeAsync() => _api = await CoordinatorApi.StartAsync(_state, () => 42.5, IPAddress.Loopback, 0);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api!.DisposeAsync();
    }

    [Fact]
    public async Task Register_TwoWorkers_GetDistinctShardsAndTheClock()
    {
        var a = await RegisterAsync("a");
        var b = await RegisterAsync("b");
        var clock = await _http.GetFromJsonAsync<ClockReading>(Url("v1/clock"));

        Assert.Equal((1, 0, 2), (a.WorkerId, a.ShardIndex, a.ShardCount));
        Assert.Equal((2, 1, 2), (b.WorkerId, b.ShardIndex, b.ShardCount));
        Assert.Equal(42.5, clock!.CoordinatorMs);
        Assert.True(_state.AllRegistered.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Register_WrongProtocolVersion_Is400NamingBothVersions()
    {
        using var response = await _http.PostAsJsonAsync(Url("v1/register"), new RegisterRequest(99, "x", "h", 1));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<ProtocolError>();
        Assert.Contains("version 99", error!.Error, StringComparison.Ordinal);
        Assert.Contains($"version {WorkerProtocol.Version}", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_SameInstanceTwice_Is409AndTheShardIsNotSpent()
    {
        await RegisterAsync("dup");
        using var again = await _http.PostAsJsonAsync(Url("v1/register"), new RegisterRequest(WorkerProtocol.Version, "dup", "h", 1));
        var other = await RegisterAsync("other");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already registered as worker 1", (await again.Content.ReadFromJsonAsync<ProtocolError>())!.Error, StringComparison.Ordinal);
        Assert.Equal(2, other.WorkerId);
    }

    [Fact]
    public async Task Register_MoreWorkersThanShards_Is409()
    {
        await RegisterAsync("a");
        await RegisterAsync("b");
        using var third = await _http.PostAsJsonAsync(Url("v1/register"), new RegisterRequest(WorkerProtocol.Version, "c", "h", 1));

        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
    }

    [Theory]
    [InlineData("v1/register", "{not json")]
    [InlineData("v1/register", "null")]
    [InlineData("v1/workers/1/heartbeat", "[1,2]")]
    [InlineData("v1/workers/1/result", "{\"workerId\": \"one\"}")]
    [InlineData("v1/workers/1/history", "{\"e\":\"nope\"}\n")]
    public async Task Post_MalformedBody_Is400WithAnError(string path, string body)
    {
        await RegisterAsync("a");
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(Url(path), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await response.Content.ReadFromJsonAsync<ProtocolError>())!.Error));
    }

    [Fact]
    public async Task Heartbeat_UnknownWorker_Is404()
    {
        using var response = await _http.PostAsJsonAsync(Url("v1/workers/7/heartbeat"), new WorkerHeartbeat { Phase = "workload" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Result_BeforeHistory_Is409()
    {
        await RegisterAsync("a");
        using var response = await _http.PostAsJsonAsync(Url("v1/workers/1/result"), new WorkerResult { WorkerId = 1, Clients = 1, ShiftMs = 0, ClockOffsetMs = 0, ClockUncertaintyMs = 0 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("history", (await response.Content.ReadFromJsonAsync<ProtocolError>())!.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeat_CarriesTheStandingOrders()
    {
        await RegisterAsync("a");
        _state.Start(1_500);
        _state.SetQuiesceTargets(new Dictionary<string, long> { ["room-1"] = 9 });
        using var response = await _http.PostAsJsonAsync(Url("v1/workers/1/heartbeat"), new WorkerHeartbeat { Phase = "ready", Connected = 3 });
        var command = await response.Content.ReadFromJsonAsync<WorkerCommand>();

        Assert.Equal(1_500, command!.StartAtMs);
        Assert.Equal(9, command.QuiesceTargets!["room-1"]);
        Assert.False(command.Stop);
        Assert.Equal(3, _state.Heartbeats().Single().Connected);
    }

    [Fact]
    public async Task Stop_IsSeenByEveryWorkerThroughItsNextHeartbeat()
    {
        await RegisterAsync("a");
        await RegisterAsync("b");
        _state.Stop();
        using var first = await _http.PostAsJsonAsync(Url("v1/workers/1/heartbeat"), new WorkerHeartbeat { Phase = "done" });
        var afterOne = _state.AllSawStop.IsCompleted;
        using var second = await _http.PostAsJsonAsync(Url("v1/workers/2/heartbeat"), new WorkerHeartbeat { Phase = "done" });

        Assert.True((await first.Content.ReadFromJsonAsync<WorkerCommand>())!.Stop);
        Assert.False(afterOne);
        Assert.True(_state.AllSawStop.IsCompletedSuccessfully);
    }

    private async Task<WorkerAssignment> RegisterAsync(string instance)
    {
        using var response = await _http.PostAsJsonAsync(Url("v1/register"), new RegisterRequest(WorkerProtocol.Version, instance, "h", 1));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<WorkerAssignment>())!;
    }

    private static WorkerAssignment Template() => new()
    {
        WorkerId = 0,
        ShardIndex = 0,
        ShardCount = 2,
        ScenarioJson = "{}",
        Clients = 4,
        DurationMs = 1000,
        Seed = 1,
        ServerUrl = "http://127.0.0.1:9/",
        HeartbeatIntervalMs = 1000,
        StartupTimeoutMs = 1000,
    };
}
