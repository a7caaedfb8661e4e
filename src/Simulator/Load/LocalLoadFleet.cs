using ChatResilience.Chaos.Faults;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.Load.Sharded;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Workloads;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// A load run's clients in this process: the harness's virtual clients, one fault proxy per group (embedded, or on a
/// Toxiproxy server) and the server under test (embedded, or a deployment given by URL).
/// </summary>
internal sealed class LocalLoadFleet : ILoadFleet
{
    private readonly IChatTarget _target;
    private readonly Uri _serverBase;
    private readonly ProxyFleet _proxies;
    private readonly VirtualClient?[] _clients;
    private readonly PlannedClient _first;
    private readonly string _warmUpUserId;
    private readonly int[] _joined;
    private readonly RunCounters _counters;
    private readonly VirtualClientContext _ctx;

    private LocalLoadFleet(IChatTarget target, Uri serverBase, ProxyFleet proxies, VirtualClient?[] clients, PlannedClient first, LoadShard? settingsShard, RunCounters counters, VirtualClientContext ctx)
    {
        _first = first;
        _warmUpUserId = WarmUpUserId(settingsShard);
        _ctx = ctx;
        _target = target;
        _serverBase = serverBase;
        _proxies = proxies;
        _clients = clients;
        _counters = counters;
        _joined = new int[clients.Length];
    }

    /// <summary>
    /// The throwaway warm-up client's user (and client) id: a token command must answer for it too. Each load process
    /// of a sharded run has its own, or their warm-ups would supersede each other (4410).
    /// </summary>
    internal static string WarmUpUserId(LoadShard? shard) => shard is null ? "sim-warmup" : $"sim-warmup-{shard.Index}";

    /// <summary>
    /// Every user a load run with <paramref name="plan"/> connects (of <paramref name="shard"/>'s clients only, when
    /// given), the warm-up client's included: the ones it needs tokens for.
    /// </summary>
    public static IReadOnlyList<string> Users(WorkloadPlan plan, LoadShard? shard = null) =>
        [.. plan.Clients.Where(c => shard?.Owns(c.Index) ?? true).Select(c => c.UserId).Append(WarmUpUserId(shard)).Distinct(StringComparer.Ordinal)];

    /// <summary>Dev-token requests in flight at once while tokens are fetched before the ramp.</summary>
    private const int DevTokenParallelism = 16;

    public int Connected => (int)_counters.Connected;

    public IFaultInjector Injector => _proxies.Injector;

    public Uri? MetricsUri => new(_serverBase, "/metrics");

    public bool ServerInProcess => _target is EmbeddedChatTarget;

    public static async Task<LocalLoadFleet> StartAsync(
        LoadSettings settings, WorkloadPlan plan, RunHistoryRecorder recorder, RunCounters counters, TimeProvider time, Action<Task, string> observe, CancellationToken runStopping)
    {
        var scenario = settings.Scenario;
        var seed = settings.Seed;
        IChatTarget target;
        Uri serverBase;
        if (settings.ServerUrl is { } url)
        {
            // Dev tokens are an HTTP call each; a token command is a process each, one per core at a time.
            if (!settings.DevTokens && settings.TokenCommand is null && settings.Tokens is null)
            {
                throw new ArgumentException("an external server needs a token command, a token file or dev tokens", nameof(settings));
            }

            var external = new ExternalChatTarget(url, settings.DevTokens ? null : settings.TokenCommand, adminToken: null, settings.Tokens);
            try
            {
                await TokenPrefetch.RunAsync(external, Users(plan, settings.Shard), settings.DevTokens ? DevTokenParallelism : Environment.ProcessorCount, runStopping);
            }
            catch
            {
                await external.DisposeAsync();
                throw;
            }

            target = external;
            serverBase = url;
        }
        else
        {
            var embedded = await EmbeddedChatTarget.StartAsync(new Server.ServerBugSwitches(), plan.Clients.Count, time, NullLoggerProvider.Instance, runStopping);
            target = embedded;
            serverBase = embedded.BaseUri;
        }

        ProxyFleet proxies;
        try
        {
            proxies = await ProxyFleet.StartAsync(ClientGroups.Names(scenario.Clients), target.Upstream, seed, settings.ToxiproxyUrl, time, NullLoggerFactory.Instance, runStopping);
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
        // A shard holds only its own clients: the others belong to the run's other processes.
        VirtualClient?[] clients = [.. plan.Clients.Select(c => settings.Shard?.Owns(c.Index) ?? true ? new VirtualClient(c, ctx) : null)];
        return new LocalLoadFleet(target, serverBase, proxies, clients, plan.Clients[0], settings.Shard, counters, ctx);
    }

    /// <summary>
    /// Connects and joins one throwaway client (its own room, its own recorder) so the ramp's first connects do not
    /// pay for JIT and connection-pool warm-up; returns why it failed, or null.
    /// </summary>
    public async Task<string?> WarmUpAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var plan = new PlannedClient { Index = _clients.Length, ClientId = _warmUpUserId, UserId = _warmUpUserId, Group = _first.Group, Rooms = ["chatsim-warmup"] };
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
        await ClientAt(index).StartAsync(timeout, cancellationToken);
        Volatile.Write(ref _joined[index], 1);
    }

    public bool IsJoined(int index) => Volatile.Read(ref _joined[index]) == 1;

    public Task ComposeAsync(PlannedSend send, long intendedAtMs, CancellationToken cancellationToken = default) =>
        ClientAt(send.ClientIndex).ComposeAsync(send, intendedAtMs, cancellationToken);

    private VirtualClient ClientAt(int index) =>
        _clients[index] ?? throw new InvalidOperationException($"client {index} belongs to another load process of this run");

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_clients.OfType<VirtualClient>().Select(async c =>
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
