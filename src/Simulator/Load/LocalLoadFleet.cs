using ChatResilience.Chaos.Faults;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Simulator.Load;

/// <summary>A load run's clients in this process: the embedded server, one proxy per group, the harness's virtual clients.</summary>
internal sealed class LocalLoadFleet : ILoadFleet
{
    private readonly EmbeddedChatTarget _target;
    private readonly ProxyFleet _proxies;
    private readonly VirtualClient[] _clients;
    private readonly int[] _joined;
    private readonly RunCounters _counters;
    private readonly VirtualClientContext _ctx;

    private LocalLoadFleet(EmbeddedChatTarget target, ProxyFleet proxies, VirtualClient[] clients, RunCounters counters, VirtualClientContext ctx)
    {
        _ctx = ctx;
        _target = target;
        _proxies = proxies;
        _clients = clients;
        _counters = counters;
        _joined = new int[clients.Length];
    }

    public int Connected => (int)_counters.Connected;

    public IFaultInjector Injector => _proxies.Injector;

    public Uri? MetricsUri => new(_target.BaseUri, "/metrics");

    public bool ServerInProcess => true;

    public static async Task<LocalLoadFleet> StartAsync(
        Scenario scenario, WorkloadPlan plan, int seed, RunHistoryRecorder recorder, RunCounters counters, TimeProvider time, Action<Task, string> observe, CancellationToken runStopping)
    {
        var target = await EmbeddedChatTarget.StartAsync(new Server.ServerBugSwitches(), plan.Clients.Count, time, NullLoggerProvider.Instance, runStopping);
        ProxyFleet proxies;
        try
        {
            proxies = await ProxyFleet.StartAsync(ClientGroups.Names(scenario.Clients), target.Upstream, seed, null, time, NullLoggerFactory.Instance, runStopping);
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }

        var ctx = new VirtualClientContext
        {
            Recorder = recorder,
            Counters = counters,
            Time = time,
            Target = target,
            ServerUriForGroup = g => new Uri($"ws://{proxies.ListenOf(g)}/ws"),
            Reconnect = SimulationRunner.ReconnectOptionsFor(scenario.Client.Reconnect),
            OutboxCapacity = scenario.Client.OutboxCapacity,
            Bugs = Client.ClientBugSwitches.None,
            Seed = seed,
            RunStopping = runStopping,
            Observe = observe,
        };
        return new LocalLoadFleet(target, proxies, [.. plan.Clients.Select(c => new VirtualClient(c, ctx))], counters, ctx);
    }

    /// <summary>
    /// Connects and joins one throwaway client (its own room, its own recorder) so the ramp's first connects do not
    /// pay for JIT and connection-pool warm-up; returns why it failed, or null.
    /// </summary>
    public async Task<string?> WarmUpAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var plan = new PlannedClient { Index = _clients.Length, ClientId = "sim-warmup", UserId = "sim-warmup", Group = _clients[0].Plan.Group, Rooms = ["chatsim-warmup"] };
        var client = new VirtualClient(plan, _ctx with { Recorder = new RunHistoryRecorder(_ctx.Time), Counters = new RunCounters() });
        try
        {
            await client.StartAsync(timeout, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            return e.Message;
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    public async Task ConnectAsync(int index, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _clients[index].StartAsync(timeout, cancellationToken);
        Volatile.Write(ref _joined[index], 1);
    }

    public bool IsJoined(int index) => Volatile.Read(ref _joined[index]) == 1;

    public Task ComposeAsync(PlannedSend send, long intendedAtMs, CancellationToken cancellationToken = default) =>
        _clients[send.ClientIndex].ComposeAsync(send, intendedAtMs, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_clients.Select(async c =>
        {
            try
            {
                await c.DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Teardown of one device must not hide the run's result.
            }
        }));
        await _proxies.DisposeAsync();
        await _target.DisposeAsync();
    }
}
