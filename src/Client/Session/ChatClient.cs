using System.Diagnostics.Metrics;
using ChatResilience.Client.Diagnostics;
using ChatResilience.Client.Outbox;
using ChatResilience.Client.Reconnect;
using ChatResilience.Client.Session;
using ChatResilience.Client.Transport;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ChatResilience.Client;

/// <summary>
/// The production client of PROTOCOL.md: a durable outbox, an explicit connection state machine,
/// reconnection driven by Polly with the documented backoff, resume from per-room cursors, and typed
/// events plus async streams. All time, randomness, network status, transport and storage are injected,
/// so the simulator can run thousands of instances in one process and a test can drive one on a fake clock.
/// Split by concern: this file holds construction and the application API; see the other partials.
/// </summary>
public sealed partial class ChatClient : IAsyncDisposable
{
    private readonly ChatClientOptions _options;
    private readonly Func<CancellationToken, ValueTask<string>> _tokenProvider;
    private readonly IOutboxStore _store;
    private readonly IFrameConnectionFactory _factory;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly INetworkStatus _network;
    private readonly ILogger _logger;
    private readonly ClientMetrics _metrics;
    private readonly ReconnectDelayPolicy _delayPolicy;
    private readonly ResiliencePipeline<SessionOutcome> _pipeline;
    private readonly ConnectionStateMachine _state = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, PendingSend> _pending = [];
    private readonly Dictionary<string, RoomSequencer> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<JoinedFrame>> _joinWaiters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _joinRids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _unsentReads = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposeCts = new();
    private Task? _loadTask;
    private Task? _runTask;
    private ConnectionSession? _session;
    private long _nextToSend = 1;
    private long _pausedUntil;
    private long _offsetMs;
    private int _maxBodyBytes = FrameLimits.DefaultMaxBodyBytes;
    private int _historyMaxLimit = FrameLimits.DefaultHistoryMaxLimit;
    private string? _userId;
    private string? _closeReason;
    private int? _closeCode;
    private long _ridCounter;
    private int _disposed;

    /// <summary>Creates a client; nothing connects until <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">Configuration; validated here (throws <see cref="ArgumentException"/>).</param>
    /// <param name="tokenProvider">Returns a currently valid bearer token; called for every connection attempt and before expiry.</param>
    /// <param name="outbox">Durable outbox and cursors. Default: a new <see cref="InMemoryOutboxStore"/>.</param>
    /// <param name="connectionFactory">Opens connections. Default <see cref="WebSocketConnectionFactory"/>.</param>
    /// <param name="timeProvider">Clock and timers. Default <see cref="TimeProvider.System"/>.</param>
    /// <param name="random">Jitter and message ids; seed it for reproducible runs. Default: seeded from the client id.</param>
    /// <param name="networkStatus">Reconnects at once when the network returns. Default <see cref="SystemNetworkStatus.Shared"/> (NetworkChange).</param>
    /// <param name="loggerFactory">Logs (event ids 2000-2999). Default none.</param>
    /// <param name="meterFactory">Metrics. Default none.</param>
    public ChatClient(
        ChatClientOptions options,
        Func<CancellationToken, ValueTask<string>> tokenProvider,
        IOutboxStore? outbox = null,
        IFrameConnectionFactory? connectionFactory = null,
        TimeProvider? timeProvider = null,
        Random? random = null,
        INetworkStatus? networkStatus = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokenProvider);
        options.Validate();
        _options = options;
        _tokenProvider = tokenProvider;
        _store = outbox ?? new InMemoryOutboxStore();
        _time = timeProvider ?? TimeProvider.System;
        _factory = connectionFactory ?? new WebSocketConnectionFactory(_time);
        _random = random ?? new Random(StableSeed(options.ClientId));
        _network = networkStatus ?? SystemNetworkStatus.Shared;
        _logger = loggerFactory?.CreateLogger<ChatClient>() ?? (ILogger)NullLogger.Instance;
        _metrics = new ClientMetrics(meterFactory);
        _delayPolicy = new ReconnectDelayPolicy(options.Reconnect, options.Bugs);
        _userId = options.UserId;
        _pipeline = BuildPipeline();
        _network.AvailabilityChanged += OnNetworkChanged;
    }

    /// <summary>The options this client runs with.</summary>
    public ChatClientOptions Options => _options;

    /// <summary>The current connection state.</summary>
    public ConnectionState State => _state.Current;

    /// <summary>The user id from the last <c>welcome</c> (or the option), if known.</summary>
    public string? UserId => Volatile.Read(ref _userId);

    /// <summary>Why the client is Closed, once it is.</summary>
    public string? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>Offset added to the local clock to get server time, from the last <c>welcome</c>.</summary>
    public TimeSpan ServerClockOffset => TimeSpan.FromMilliseconds(Interlocked.Read(ref _offsetMs));

    /// <summary>Unsettled messages, including those restored from the store at startup, in seq order.</summary>
    public IReadOnlyList<SendHandle> PendingSends
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Values.Select(p => p.Handle)];
            }
        }
    }

    /// <summary>Rooms and their cursors (epoch, highest contiguous seq held).</summary>
    public IReadOnlyList<RoomCursorState> Rooms
    {
        get
        {
            lock (_gate)
            {
                return [.. _rooms.Values.Select(r => new RoomCursorState(r.Room, r.Epoch, r.After))];
            }
        }
    }

    /// <summary>
    /// Loads the outbox and cursors, starts the connection loop if it is not running, and waits until the
    /// client is Connected. Cancelling <paramref name="cancellationToken"/> only stops the wait: the client
    /// keeps reconnecting in the background (sends queue meanwhile). Throws
    /// <see cref="ChatClientClosedException"/> if the client reaches Closed instead.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        await EnsureLoadedAsync(cancellationToken);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(ConnectionState s)
        {
            if (s is ConnectionState.Connected or ConnectionState.Closed)
            {
                reached.TrySetResult();
            }
        }

        OnStateChanged += Watch;
        try
        {
            var started = false;
            lock (_gate)
            {
                if ((_runTask is null || _runTask.IsCompleted) && _state.Transition(ConnectionState.Disconnected, ConnectionState.Connecting))
                {
                    // StartRunAsync yields first, so nothing of the loop runs under this lock.
                    _runTask = StartRunAsync();
                    started = true;
                }
            }

            if (started)
            {
                RaiseStateChanged(ConnectionState.Disconnected, ConnectionState.Connecting);
            }

            Watch(_state.Current);
            await reached.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            OnStateChanged -= Watch;
        }

        ThrowIfClosed();
    }

    /// <summary>
    /// Validates the message against the server's limits, stores it durably in the outbox with the next seq,
    /// and returns its handle; it is sent when connected (now, or after reconnecting). Throws
    /// <see cref="ArgumentException"/> for an invalid message and <see cref="OutboxFullException"/> at capacity.
    /// </summary>
    public async Task<SendHandle> SendAsync(string room, string body, IReadOnlyDictionary<string, string>? meta = null, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        SendValidation.ThrowIfInvalid(room, body, meta, Volatile.Read(ref _maxBodyBytes));
        await EnsureLoadedAsync(cancellationToken);
        long basis;
        string id;
        lock (_gate)
        {
            basis = _rooms.TryGetValue(room, out var r) ? r.After : 0;
            id = NewIdLocked();
        }

        var offline = _state.Current != ConnectionState.Connected;
        var entry = await _store.AppendAsync(new OutboxDraft(id, room, body, meta, _time.GetUtcNow().ToUnixTimeMilliseconds(), basis), _options.OutboxCapacity, cancellationToken);
        var handle = new SendHandle(entry.Id, entry.Seq, entry.Room, offline);
        ConnectionSession? session;
        lock (_gate)
        {
            _pending.Add(entry.Seq, new PendingSend(entry, handle));
            session = _session;
        }

        if (_state.Current == ConnectionState.Closed)
        {
            // Closed while storing: the entry stays durable for the next instance, like every other pending one.
            handle.Fail(new ChatClientClosedException("the chat client closed: " + CloseReason) { CloseCode = _closeCode });
        }

        _metrics.OutboxDepth(1);
        session?.Ring();
        return handle;
    }

    /// <summary>
    /// Becomes a member of <paramref name="room"/> and completes with its <c>joined</c> frame. The membership
    /// is remembered (and persisted as a cursor): when offline, the join happens on the next connection.
    /// </summary>
    public async Task<JoinedFrame> JoinAsync(string room, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        SendValidation.ThrowIfInvalidRoom(room);
        await EnsureLoadedAsync(cancellationToken);
        TaskCompletionSource<JoinedFrame> waiter;
        RoomSequencer sequencer;
        ConnectionSession? session;
        bool created;
        lock (_gate)
        {
            created = !_rooms.TryGetValue(room, out sequencer!);
            if (created)
            {
                sequencer = new RoomSequencer(room, 0, 0);
                _rooms.Add(room, sequencer);
            }

            if (!_joinWaiters.TryGetValue(room, out waiter!))
            {
                waiter = new TaskCompletionSource<JoinedFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
                _joinWaiters.Add(room, waiter);
            }

            session = _session?.Welcome is null ? null : _session;
        }

        if (created)
        {
            await _store.SaveCursorAsync(new RoomCursorState(room, 0, 0), cancellationToken);
        }

        if (session is not null)
        {
            var rid = NextRid();
            long epoch, after;
            lock (_gate)
            {
                _joinRids[rid] = room;
                (epoch, after) = (sequencer.Epoch, sequencer.After);
            }

            await TrySendAsync(session, new JoinFrame
            {
                Room = room,
                Epoch = epoch == 0 ? null : epoch,
                After = epoch == 0 ? null : after,
                Rid = rid,
            });
        }

        return await waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops being a member of <paramref name="room"/> and forgets its cursor.</summary>
    public async Task LeaveAsync(string room, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        SendValidation.ThrowIfInvalidRoom(room);
        await EnsureLoadedAsync(cancellationToken);
        ConnectionSession? session;
        lock (_gate)
        {
            _rooms.Remove(room);
            _unsentReads.Remove(room);
            if (_joinWaiters.Remove(room, out var waiter))
            {
                waiter.TrySetCanceled(CancellationToken.None);
            }

            session = _session?.Welcome is null ? null : _session;
        }

        await _store.RemoveCursorAsync(room, cancellationToken);
        if (session is not null)
        {
            await TrySendAsync(session, new LeaveFrame { Room = room, Rid = NextRid() });
        }
    }

    /// <summary>Marks <paramref name="room"/> read up to <paramref name="seq"/>; sent now or on the next connection.</summary>
    public async Task MarkReadAsync(string room, long seq, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        SendValidation.ThrowIfInvalidRoom(room);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        ConnectionSession? session;
        lock (_gate)
        {
            session = _session?.Welcome is null ? null : _session;
            if (session is null)
            {
                _unsentReads[room] = Math.Max(seq, _unsentReads.GetValueOrDefault(room));
            }
        }

        if (session is not null && !await TrySendAsync(session, new ReadFrame { Room = room, Seq = seq, Rid = NextRid() }))
        {
            lock (_gate)
            {
                _unsentReads[room] = Math.Max(seq, _unsentReads.GetValueOrDefault(room));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Closes the connection (1000), stops reconnecting and moves to Closed. Unsettled messages stay in the
    /// store for the next instance; their handles fail with <see cref="ChatClientClosedException"/>.
    /// The store is not disposed (the caller owns it).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _network.AvailabilityChanged -= OnNetworkChanged;
        Terminate("disposed", null);
        await _disposeCts.CancelAsync();
        Task? run;
        lock (_gate)
        {
            run = _runTask;
        }

        if (run is not null)
        {
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
                // Expected: the loop was cancelled.
            }
        }

        _disposeCts.Dispose();
    }

    private static int StableSeed(string text)
    {
        // FNV-1a: string.GetHashCode is randomised per process and would make runs unrepeatable.
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }

    private Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _loadTask ??= LoadAsync();
            return _loadTask.WaitAsync(cancellationToken);
        }
    }

    private async Task LoadAsync()
    {
        var snapshot = await _store.LoadAsync(_disposeCts.Token);
        lock (_gate)
        {
            foreach (var entry in snapshot.Entries)
            {
                var offline = true;
                _pending.TryAdd(entry.Seq, new PendingSend(entry, new SendHandle(entry.Id, entry.Seq, entry.Room, offline)));
            }

            foreach (var cursor in snapshot.Cursors)
            {
                _rooms.TryAdd(cursor.Room, new RoomSequencer(cursor.Room, cursor.Epoch, cursor.After));
            }

            _nextToSend = _pending.Count > 0 ? _pending.Keys.First() : snapshot.NextSeq;
        }

        _metrics.OutboxDepth(snapshot.Entries.Count);
    }

    private string NewIdLocked()
    {
        Span<byte> bytes = stackalloc byte[12];
        _random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private string NextRid() => "r" + Interlocked.Increment(ref _ridCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void ThrowIfClosed()
    {
        if (_state.Current == ConnectionState.Closed)
        {
            throw new ChatClientClosedException("the chat client is closed: " + (CloseReason ?? "unknown")) { CloseCode = _closeCode };
        }
    }
}
