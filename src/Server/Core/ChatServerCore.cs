using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using ChatResilience.Server.Processing;
using ChatResilience.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Server.Core;

/// <summary>
/// The chat server without a transport: runs sessions over any <see cref="IFrameConnection"/>, owns the
/// rooms, the connection manager (one live session per (user, client), per-user and total caps), the
/// settlement state, retention, the admin operations and graceful shutdown. Free of ASP.NET types, so
/// tests drive it in-process on a fake clock.
/// </summary>
public sealed partial class ChatServerCore : IProcessorHost, IAsyncDisposable
{
    /// <summary>How often the scheduling-lag probe ticks.</summary>
    internal static readonly TimeSpan SchedulingLagTick = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, RoomHub> _hubs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _hubGate = new(1, 1);
    private readonly ConcurrentDictionary<(string User, string Client), ClientSettlement> _clients = new();
    private readonly Lock _sessionsLock = new();
    private readonly Dictionary<(string User, string Client), ChatSession> _byClient = [];
    private readonly Dictionary<string, HashSet<ChatSession>> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ChatSession, Task> _running = new();
    private readonly IMessageProcessor? _processor;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _answerLock = new();
    private long _answerClientSeq;
    private long _sessionCounter;
    private int _connections;
    private Task _retention = Task.CompletedTask;
    private Task _lagProbe = Task.CompletedTask;

    public ChatServerCore(
        ChatServerOptions options,
        IMessageLog log,
        ITokenValidator tokens,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        IMessageProcessor? processor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
        Log = log ?? throw new ArgumentNullException(nameof(log));
        Tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        Time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ChatResilience.Server.Core");
        Metrics = new ServerMetrics(meterFactory, () => QueuedMessages);
        _processor = processor;
        Publisher = PublishCommitted;
        RetryHintJson = JsonSerializer.Serialize(new RetryHint { RetryAfterMs = (long)options.ShutdownRetryAfter.TotalMilliseconds }, ServerJsonContext.Default.RetryHint);
        if (log is SqliteMessageLog sqlite)
        {
            sqlite.CommitObserved = (duration, _) => Metrics.Committed(duration);
            sqlite.IndexFailed = e => CoreLog.JournalIndexFailed(Logger, e);
            sqlite.DeadRowsDeleteFailed = e => CoreLog.DeadRowsDeleteFailed(Logger, e);
        }

        if (options.Bugs.AnyOn)
        {
            CoreLog.BugsOn(Logger, options.Bugs.ToString());
        }
    }

    public ChatServerOptions Options { get; }

    /// <summary>The log's commit callback as one delegate, so an append does not allocate a new one per message.</summary>
    internal Action<StoredMessage> Publisher { get; }

    public IMessageLog Log { get; }

    public ServerMetrics Metrics { get; }

    public TimeProvider Time { get; }

    internal ITokenValidator Tokens { get; }

    internal ILogger Logger { get; }

    internal ReplayGuard ReplayGuard { get; } = new();

    /// <summary>The close reason of 1001, 1013 and 4429: <c>{"retryAfterMs": n}</c>.</summary>
    public string RetryHintJson { get; }

    /// <summary>Connections currently running (before or after hello).</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>Sessions past hello.</summary>
    public int SessionCount
    {
        get
        {
            lock (_sessionsLock)
            {
                return _byClient.Count;
            }
        }
    }

    /// <summary>True once shutdown began: new connections are refused.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Whether one more connection fits under <see cref="ChatServerOptions.MaxConnections"/>.</summary>
    public bool HasCapacity => ConnectionCount < Options.MaxConnections && !IsStopping;

    private long QueuedMessages
    {
        get
        {
            long total = 0;
            foreach (var s in _running.Keys)
            {
                total += s.QueuedMessages;
            }

            return total;
        }
    }

    /// <summary>Starts retention and the processor (which catches up on unanswered messages).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _retention = RetentionLoopAsync(_stopping.Token);
        _lagProbe = SchedulingLagLoopAsync(_stopping.Token);
        if (_processor is not null)
        {
            await _processor.StartAsync(this, cancellationToken);
        }
    }

    /// <summary>
    /// Runs one connection to its end: hello, authentication (<paramref name="preAuthenticated"/> from an
    /// upgrade header, else <c>hello.token</c>), then the session. Over the total cap it closes 1013.
    /// </summary>
    public async Task RunConnectionAsync(IFrameConnection connection, AuthIdentity? preAuthenticated = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Interlocked.Increment(ref _connections) > Options.MaxConnections || IsStopping)
        {
            Interlocked.Decrement(ref _connections);
            await connection.CloseAsync(IsStopping ? CloseCodes.GoingAway : CloseCodes.Overloaded, RetryHintJson, cancellationToken);
            await connection.DisposeAsync();
            return;
        }

        Metrics.ConnectionOpened();
        var session = new ChatSession(this, connection, preAuthenticated, "s" + Interlocked.Increment(ref _sessionCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Tracked before it runs: a session's run is synchronous until its first await that yields, and with the hello
        // already buffered that can be after its welcome went out. A shutdown that counted the sessions meanwhile
        // missed it, and it never got its 1001 (seen on a server under CPU contention). Registration refuses a
        // stopping core, so a session added after the shutdown's count ends with 1001 on its own.
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[session] = ended.Task;
        try
        {
            await session.RunAsync();
        }
        finally
        {
            _running.TryRemove(session, out _);
            ended.SetResult();
            Interlocked.Decrement(ref _connections);
            Metrics.ConnectionClosed();
        }
    }

    /// <summary>Graceful shutdown: refuse new connections, flush pending acks, close every session with 1001 + retry hint.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        if (IsStopping)
        {
            return;
        }

        await _stopping.CancelAsync();
        var sessions = _running.Keys.ToList();
        CoreLog.ShuttingDown(Logger, sessions.Count);
        await Task.WhenAll(sessions.Select(s => s.ShutdownAsync(RetryHintJson)));
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(Options.ShutdownFlushTimeout + TimeSpan.FromSeconds(3), Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Peers that never answer the close are left to the transport.
        }

        if (_processor is not null)
        {
            await _processor.StopAsync(cancellationToken);
        }

        await _retention.ContinueWith(static _ => { }, TaskScheduler.Default);
        await _lagProbe.ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        Metrics.Dispose();
    }

    /// <summary>Deletes a room: its sessions get <c>left room_deleted</c>; later sends get <c>no_such_room</c>.</summary>
    public async Task<bool> DeleteRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Subscription> subs = [];
        await _hubGate.WaitAsync(cancellationToken);
        try
        {
            if (await Log.DeleteRoomAsync(room, cancellationToken) is null)
            {
                return false;
            }

            if (_hubs.TryRemove(room, out var hub))
            {
                subs = hub.Close();
            }
        }
        finally
        {
            _hubGate.Release();
        }

        CoreLog.RoomDeleted(Logger, room);
        foreach (var s in subs)
        {
            s.Session.OnMembershipEnded(room, LeftCodes.RoomDeleted);
        }

        return true;
    }

    /// <summary>Removes a member: the user's sessions get <c>left removed</c>; later sends get <c>forbidden</c>.</summary>
    public async Task<bool> RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken = default)
    {
        var hub = await GetHubAsync(room, create: false, cancellationToken);
        if (hub is null || await GetMembershipAsync(hub, userId, cancellationToken) != MembershipState.Member)
        {
            return false;
        }

        await SetMembershipAsync(hub, userId, MembershipState.Removed, cancellationToken);
        CoreLog.MemberRemoved(Logger, room, userId);
        EndMembershipElsewhere(hub, userId, LeftCodes.Removed, except: null);
        return true;
    }

    /// <summary>One retention pass over every room and the settlement outcomes.</summary>
    public async Task RunRetentionAsync(CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var minAt = now - (long)Options.RetentionAge.TotalMilliseconds;
        foreach (var room in await Log.ListRoomsAsync(cancellationToken))
        {
            var first = await ReplayGuard.TrimAsync(room, protect => Log.TrimAsync(room, new RetentionCut(Options.RetentionMessages, minAt, protect), cancellationToken));
            CoreLog.Trimmed(Logger, room, first);
        }

        await Log.TrimOutcomesAsync(minAt, cancellationToken);
    }

    /// <summary>Observes a background task: failures are logged, never lost or thrown on a finalizer.</summary>
    internal void Observe(Task task, string name)
    {
        if (task.IsCompleted)
        {
            Report(task, name);
            return;
        }

        task.ContinueWith((t, state) => Report(t, (string)state!), name, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Report(Task task, string name)
    {
        if (task.Exception is { } e)
        {
            CoreLog.BackgroundFailed(Logger, e.GetBaseException(), name);
        }
    }

    /// <summary>
    /// Records, once a <see cref="SchedulingLagTick"/>, how much later than due the tick's continuation ran: every
    /// frame, ack and heartbeat of the process waits on the same thread pool and CPUs, so a server short of either
    /// shows it here first (<c>chat_server_scheduling_lag_seconds</c>) — in a sharded load run, where the harness
    /// cannot see the server process's own lag.
    /// </summary>
    private async Task SchedulingLagLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            var start = Time.GetTimestamp();
            var tick = Task.Delay(SchedulingLagTick, Time, cancellationToken);
            while (true)
            {
                await tick;
                var now = Time.GetTimestamp();
                var lag = Time.GetElapsedTime(start, now) - SchedulingLagTick;
                // The next tick is armed before this one is recorded, so whoever sees the record sees the next wait.
                start = now;
                tick = Task.Delay(SchedulingLagTick, Time, cancellationToken);
                Metrics.SchedulingLagged(lag > TimeSpan.Zero ? lag : TimeSpan.Zero);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task RetentionLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Options.RetentionInterval, Time, cancellationToken);
                try
                {
                    await RunRetentionAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    CoreLog.BackgroundFailed(Logger, e, "retention");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
