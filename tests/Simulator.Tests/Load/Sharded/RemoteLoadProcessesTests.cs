using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Load.Sharded.Remote;
using ChatResilience.Simulator.Tests.Cli;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.Load.Sharded;

/// <summary>
/// The coordinator's side of external load processes: the book of shares (on a fake clock) and its HTTP API, bad
/// requests included. Every refusal names its problem, and nothing a process sends stands for another share.
/// </summary>
public sealed class RemoteLoadProcessesTests() : CliTestBase("chatsim-remote-load-")
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Registration_WaitsForTheRunsShares_GivesEachOnce_AndRecognisesARetry()
    {
        using var book = new RemoteLoadProcesses(2, _time, TextWriter.Null);
        Assert.Equal(503, book.Register(Request("a")).Status); // the runner has not handed out shares yet

        Launch(book, 0);
        Launch(book, 1);
        var (shard, assignment, _, _) = book.Register(Request("a"));
        Assert.Equal(0, shard);
        Assert.Equal("0/2", assignment!.Shard);
        Assert.Equal(ShardedLoadTests.Scenario, assignment.ScenarioJson);
        // The process adds its own scenario path and --out; the rest is the run's, as resolved by the coordinator.
        Assert.Equal(["--seed", "4", "--server-url", "http://127.0.0.1:9/", "--dev-tokens", "--shard", "0/2"], assignment.Arguments);

        Assert.Equal(0, book.Register(Request("a")).Shard); // a lost answer, retried
        Assert.Equal(1, book.Register(Request("b")).Shard);
        var (_, none, status, error) = book.Register(Request("c"));
        Assert.Null(none);
        Assert.Equal(409, status);
        Assert.Equal("all 2 load processes of this run are registered", error);
        Assert.Equal(400, book.Register(Request("d") with { ProtocolVersion = 2 }).Status);
        Assert.Equal(400, book.Register(Request(" ")).Status);
    }

    [Fact]
    public async Task PolledLines_AreTheShareOutput_AndTheStartLineBecomesTheStandingOrder()
    {
        using var book = new RemoteLoadProcesses(2, _time, TextWriter.Null);
        var handle = Launch(book, 0);
        Assert.Null(book.Poll(0, new LoadPoll(["early"]))); // nobody registered for it
        book.Register(Request("a"));

        Assert.Equal(new LoadOrders(null, false, false), book.Poll(0, new LoadPoll(["one", ShardStartHandshake.ReadyLine])));
        Assert.Equal("one", await handle.Output.ReadLineAsync());
        Assert.Equal(ShardStartHandshake.ReadyLine, await handle.Output.ReadLineAsync());

        var start = _time.GetUtcNow().AddSeconds(3);
        await handle.Input.WriteLineAsync(ShardStartHandshake.StartLine(start));
        Assert.Equal(start.ToUnixTimeMilliseconds(), book.Poll(0, new LoadPoll([]))!.StartAtUnixMs);
        handle.Stop();
        Assert.True(book.Poll(0, new LoadPoll([]))!.Stop);
    }

    [Fact]
    public void AReportedClock_IsKeptOnce_PerShare_AndAnImpossibleOneIsIgnored()
    {
        using var book = new RemoteLoadProcesses(2, _time, TextWriter.Null);
        Launch(book, 0);
        Launch(book, 1);
        book.Register(Request("a"));
        book.Register(Request("b"));

        book.Poll(1, new LoadPoll([], ClockOffsetMs: -3.5, ClockUncertaintyMs: 0.25));
        book.Poll(1, new LoadPoll([], ClockOffsetMs: 99, ClockUncertaintyMs: 9)); // the first measurement stands
        book.Poll(0, new LoadPoll([], ClockOffsetMs: double.NaN, ClockUncertaintyMs: 1));
        book.Poll(0, new LoadPoll([], ClockOffsetMs: 1, ClockUncertaintyMs: -1));

        var clock = Assert.Single(book.Clocks());
        Assert.Equal(new ProcessClock("load process 1/2", "h", -3.5, 0.25), clock);
        Assert.Equal("load process 1/2 on h: clock offset -3.5 ms ± 0.3", clock.Describe());

        // The last poll brings the offset measured again after the share: kept beside the first, unless impossible, and
        // only for a share whose first is known.
        book.Poll(1, new LoadPoll([], -3.5, 0.25, EndClockOffsetMs: -1.25, EndClockUncertaintyMs: 0.5));
        book.Poll(1, new LoadPoll([], -3.5, 0.25, EndClockOffsetMs: double.PositiveInfinity, EndClockUncertaintyMs: 0.5));
        book.Poll(0, new LoadPoll([], EndClockOffsetMs: 7, EndClockUncertaintyMs: 0.5));
        clock = Assert.Single(book.Clocks());
        Assert.Equal(new ProcessClock("load process 1/2", "h", -3.5, 0.25, -1.25, 0.5), clock);
        Assert.EndsWith("-1.3 ms ± 0.5 at the end (drift +2.3 ms)", clock.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProcessSilentPastTheBound_IsLost_NamedInItsError_AndToldToAbortIfItComesBack()
    {
        using var book = new RemoteLoadProcesses(2, _time, TextWriter.Null);
        var handle = Launch(book, 0);
        book.Register(Request("a"));
        _time.Advance(RemoteLoadProtocol.LostAfter);
        Assert.False(handle.Exited.IsCompleted); // heard 30 s ago: not yet
        book.Poll(0, new LoadPoll([]));
        _time.Advance(RemoteLoadProtocol.LostAfter + TimeSpan.FromSeconds(1));

        Assert.Equal(-1, await handle.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("no word from load process 0/2 (h pid 7) for 30 s (its machine, its network, or the process is gone)", await handle.Errors);
        Assert.Null(await handle.Output.ReadLineAsync()); // its output ends, as at a process's exit
        Assert.True(book.Poll(0, new LoadPoll([]))!.Abort);
    }

    [Fact]
    public async Task Api_RefusesBadRequests_NamingTheProblem_AndTakesAShareResultOnlyAfterItsHistory()
    {
        using var book = new RemoteLoadProcesses(2, _time, TextWriter.Null);
        await using var api = await LoadCoordinatorApi.StartAsync(book, IPAddress.Loopback, 0);
        using var http = new HttpClient { BaseAddress = api.BaseUri };
        var handle = Launch(book, 0);

        await AssertRefusedAsync(await http.PostAsync("v1/load/register", Json("{\"protocolVersion\":")), 400, "body is not a valid LoadRegisterRequest");
        await AssertRefusedAsync(await http.PostAsync("v1/load/register", Json("null")), 400, "body must be a JSON LoadRegisterRequest, not null");
        await AssertRefusedAsync(await http.PostAsync("v1/load/1/poll", Json("{\"lines\":[]}")), 404, "load process 1 is not registered");
        using (var registered = await http.PostAsJsonAsync("v1/load/register", Request("a")))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
            Assert.Equal("/v1/load/0", registered.Headers.Location?.OriginalString);
        }

        await AssertRefusedAsync(await http.PutAsync("v1/load/0/result?exitCode=0", Json("{}")), 409, "upload the history before the result");
        await AssertRefusedAsync(await http.PutAsync("v1/load/0/history", Json("{\"not\":\"an event\"}\n")), 400, "line 1");
        Assert.False(File.Exists(Path.Combine(ShareDir(0), LoadShardResult.HistoryFileName)));

        using (var history = await http.PutAsync("v1/load/0/history", Json("")))
        {
            Assert.Equal(HttpStatusCode.NoContent, history.StatusCode);
        }

        await AssertRefusedAsync(await http.PutAsync("v1/load/0/result", Json("{}")), 400, "exitCode");
        await AssertRefusedAsync(await http.PutAsync("v1/load/0/result?exitCode=0", Json(Result("1/2"))), 400, "the result is of share 1/2, not 0/2");
        await AssertRefusedAsync(await http.PutAsync("v1/load/0/result?exitCode=0", Json(Result("0/3"))), 400, "not 0/2");
        Assert.False(handle.Exited.IsCompleted);

        using (var result = await http.PutAsync("v1/load/0/result?exitCode=2", Json(Result("0/2"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, result.StatusCode);
        }

        Assert.Equal(2, await handle.Exited);
        Assert.Equal("0/2", (await LoadShardResult.ReadAsync(ShareDir(0))).Shard);
        await AssertRefusedAsync(await http.PutAsync("v1/load/0/history", Json("")), 409, "has already ended");
        using var orders = await http.PostAsJsonAsync("v1/load/0/poll", new LoadPoll([]));
        Assert.False((await orders.Content.ReadFromJsonAsync<LoadOrders>())!.Abort); // ended with its result: nothing to abort
    }

    [Fact]
    public async Task Api_AFailureReport_EndsTheShareWithItsError()
    {
        using var book = new RemoteLoadProcesses(2, _time, TextWriter.Null);
        await using var api = await LoadCoordinatorApi.StartAsync(book, IPAddress.Loopback, 0);
        using var http = new HttpClient { BaseAddress = api.BaseUri };
        var handle = Launch(book, 0);
        (await http.PostAsJsonAsync("v1/load/register", Request("a"))).Dispose();

        using (var failed = await http.PostAsJsonAsync("v1/load/0/failed", new LoadFailure("could not start on h: boom")))
        {
            Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);
        }

        Assert.Equal(-1, await handle.Exited);
        Assert.Equal("could not start on h: boom", await handle.Errors);
    }

    private static LoadRegisterRequest Request(string instance) => new(RemoteLoadProtocol.Version, instance, "h", 7);

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static string Result(string shard) => $$"""{"shard":"{{shard}}","connects":[],"samples":[],"resourceSource":"none"}""";

    private static async Task AssertRefusedAsync(HttpResponseMessage response, int status, string error)
    {
        using (response)
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Contains(error, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private string ShareDir(int index) => Path.Combine(Dir, "shards", index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private LoadProcessHandle Launch(RemoteLoadProcesses book, int index)
    {
        var scenario = Path.Combine(Dir, "s.json");
        File.WriteAllText(scenario, ShardedLoadTests.Scenario);
        return book.Launch(["load", scenario, "--seed", "4", "--server-url", "http://127.0.0.1:9/", "--dev-tokens", "--shard", $"{index}/2", "--out", ShareDir(index)]);
    }
}
