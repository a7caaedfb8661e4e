using System.Collections.Concurrent;
using ChatResilience.Client;
using ChatResilience.Client.Outbox;
using ChatResilience.Client.Transport;
using ChatResilience.Protocol.Frames;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// One simulated device: the real <see cref="ChatClient"/> behind the harness's connection factory, a simulated
/// network, an optionally skewed clock, and an outbox store that outlives a crash (it stands in for the SQLite
/// file). Every client event becomes a history event.
/// </summary>
internal sealed partial class VirtualClient : IAsyncDisposable
{
    private const int PurposeClientRandom = 7;

    private readonly PlannedClient _plan;
    private readonly VirtualClientContext _ctx;
    private readonly InMemoryOutboxStore _store = new();
    private readonly SimulatedNetworkStatus _network = new();
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, long> _maxDelivered = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private ChatClient? _client;
    private HarnessConnectionFactory? _factory;
    private int _incarnation;
    private bool _connected;
    private bool _offline;
    private bool _down;
    private string _lastEvent = "created";
    private long _lastEventAtMs;

    public VirtualClient(PlannedClient plan, VirtualClientContext ctx)
    {
        _plan = plan;
        _ctx = ctx;
        _clock = plan.ClockSkew == TimeSpan.Zero ? ctx.Time : new SkewedTimeProvider(ctx.Time, plan.ClockSkew);
    }

    public PlannedClient Plan => _plan;

    public string ClientId => _plan.ClientId;

    /// <summary>True between a crash and the restart: the device is off, nobody composes.</summary>
    public bool IsDown => Volatile.Read(ref _down);

    public bool IsConnected => Volatile.Read(ref _connected);

    /// <summary>True during an offline window.</summary>
    public bool IsOffline => Volatile.Read(ref _offline);

    public int OutboxDepth => _client?.PendingSends.Count ?? _store.Count;

    /// <summary>Highest room seq delivered per room (the convergence probe).</summary>
    public IReadOnlyDictionary<string, long> MaxDelivered => _maxDelivered;

    /// <summary>Rooms this client still is a member of (the workload's view).</summary>
    public ConcurrentDictionary<string, bool> Rooms { get; } = new(StringComparer.Ordinal);

    /// <summary>One line for the watchdog's dump of stuck clients.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            return $"{ClientId} state={_client?.State.ToString() ?? "none"} outbox={OutboxDepth} offline={_offline} down={_down} last='{_lastEvent}' at {_lastEventAtMs} ms";
        }
    }

    /// <summary>Creates the client, connects (bounded) and joins its rooms.</summary>
    public async Task StartAsync(TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        var client = NewIncarnation();
        using var timeout = new CancellationTokenSource(connectTimeout, _ctx.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await client.ConnectAsync(linked.Token);
        foreach (var room in _plan.Rooms)
        {
            await client.JoinAsync(room, linked.Token);
            Rooms[room] = true;
            _ctx.Recorder.Record(new MembershipEvent { AtMs = _ctx.Recorder.NowMs, ClientId = ClientId, UserId = _plan.UserId, Room = room, Member = true });
        }
    }

    /// <summary>The application composes a message (online or offline); the outcome is recorded.</summary>
    public async Task ComposeAsync(PlannedSend send, long intendedAtMs, CancellationToken cancellationToken)
    {
        var client = _client;
        if (client is null || IsDown || !Rooms.ContainsKey(send.Room))
        {
            return;
        }

        var offline = Volatile.Read(ref _offline) || !IsConnected;
        try
        {
            var handle = await client.SendAsync(send.Room, send.Body, null, cancellationToken);
            _ctx.Counters.AddSent();
            Note("sent " + handle.Seq);
            _ctx.Recorder.Record(new SendAcceptedEvent
            {
                AtMs = _ctx.Recorder.NowMs,
                ClientId = ClientId,
                UserId = _plan.UserId,
                MessageId = handle.Id,
                Seq = handle.Seq,
                Room = send.Room,
                IntendedAtMs = intendedAtMs,
                Offline = offline || handle.ComposedOffline,
            });
        }
        catch (Exception e) when (e is OutboxFullException or ArgumentException)
        {
            _ctx.Counters.AddRefused();
            _ctx.Recorder.Record(new SendRefusedEvent { AtMs = _ctx.Recorder.NowMs, ClientId = ClientId, Room = send.Room, Reason = e.Message });
        }
        catch (ChatClientClosedException)
        {
            // Crashed between the check and the send: the device was off, nothing was composed.
        }
    }

    /// <summary>Offline start or end: the network status flips and the live connection drops.</summary>
    public async Task SetOfflineAsync(bool offline)
    {
        Volatile.Write(ref _offline, offline);
        _ctx.Recorder.Record(new HarnessEvent
        {
            AtMs = _ctx.Recorder.NowMs,
            Kind = offline ? HarnessEventKinds.OfflineStart : HarnessEventKinds.OfflineEnd,
            ClientId = ClientId,
            UserId = _plan.UserId,
        });
        var factory = _factory;
        if (factory is not null)
        {
            await factory.SetOfflineAsync(offline);
        }

        _network.Set(!offline);
    }

    /// <summary>The process dies without flushing; after <paramref name="restartAfter"/> a new instance starts with the same outbox.</summary>
    public async Task CrashAndRestartAsync(TimeSpan restartAfter, CancellationToken cancellationToken)
    {
        ChatClient? old;
        HarnessConnectionFactory? factory;
        lock (_gate)
        {
            old = _client;
            factory = _factory;
            _client = null;
            _down = true;
            Interlocked.Increment(ref _incarnation);
        }

        SetConnected(false);
        _ctx.Recorder.Record(new HarnessEvent { AtMs = _ctx.Recorder.NowMs, Kind = HarnessEventKinds.ClientCrash, ClientId = ClientId, UserId = _plan.UserId });
        if (factory is not null)
        {
            await factory.KillAsync();
        }

        if (old is not null)
        {
            // Its connection is already dead, so disposing sends nothing: the abandoned instance just stops.
            await old.DisposeAsync();
        }

        await Task.Delay(restartAfter, _ctx.Time, cancellationToken);
        var client = NewIncarnation();
        lock (_gate)
        {
            _down = false;
        }

        _ctx.Recorder.Record(new HarnessEvent { AtMs = _ctx.Recorder.NowMs, Kind = HarnessEventKinds.ClientRestart, ClientId = ClientId, UserId = _plan.UserId });
        await client.ConnectAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        ChatClient? client;
        lock (_gate)
        {
            client = _client;
            _client = null;
            Interlocked.Increment(ref _incarnation);
        }

        if (client is not null)
        {
            await client.DisposeAsync();
        }

        await _store.DisposeAsync();
    }

    private ChatClient NewIncarnation()
    {
        int incarnation;
        lock (_gate)
        {
            incarnation = _incarnation;
        }

        var factory = new HarnessConnectionFactory(new WebSocketConnectionFactory(_ctx.Time), ClientId, _ctx.Recorder, _ctx.Counters, Volatile.Read(ref _offline));
        var options = new ChatClientOptions
        {
            ServerUri = _ctx.ServerUriForGroup(_plan.Group),
            ClientId = ClientId,
            UserId = _plan.UserId,
            Reconnect = _ctx.Reconnect,
            OutboxCapacity = _ctx.OutboxCapacity ?? ChatClientOptions.DefaultOutboxCapacity,
            Bugs = _ctx.Bugs,
        };
        var client = new ChatClient(
            options,
            ct => _ctx.Target.GetTokenAsync(_plan.UserId, ct),
            _store,
            factory,
            _clock,
            SeedMixer.Create(_ctx.Seed, _plan.Index, PurposeClientRandom + incarnation),
            _network);
        Subscribe(client, incarnation);
        lock (_gate)
        {
            _client = client;
            _factory = factory;
        }

        return client;
    }

    private bool Current(int incarnation) => Volatile.Read(ref _incarnation) == incarnation;

    private void Subscribe(ChatClient client, int incarnation)
    {
        var recorder = _ctx.Recorder;
        client.OnStateChanged += s =>
        {
            if (Current(incarnation))
            {
                SetConnected(s == ConnectionState.Connected);
                Note("state " + s);
            }
        };
        client.OnAck += a =>
        {
            _ctx.Counters.AddAcked();
            Note("ack " + a.Seq);
            recorder.Record(new AckedEvent { AtMs = recorder.NowMs, ClientId = ClientId, MessageId = a.Id, Seq = a.Seq, Room = a.Room, RoomSeq = a.RoomSeq, Dup = a.Dup });
        };
        client.OnFailed += f =>
        {
            _ctx.Counters.AddFailed();
            Note("failed " + f.Seq);
            recorder.Record(new FailedEvent { AtMs = recorder.NowMs, ClientId = ClientId, MessageId = f.Id, Seq = f.Seq, Code = f.Code, Reason = f.Reason });
        };
        client.OnJoined += j => recorder.Record(new JoinedEvent
        {
            AtMs = recorder.NowMs,
            ClientId = ClientId,
            Room = j.Room,
            Epoch = j.Epoch,
            Head = j.Head,
            From = j.From,
            Recovered = j.Recovered,
            GapFrom = j.Gap?.From,
            GapTo = j.Gap?.To,
            Reset = j.Reset == true,
        });
        client.OnLeft += l =>
        {
            Rooms.TryRemove(l.Room, out _);
            recorder.Record(new LeftEvent { AtMs = recorder.NowMs, ClientId = ClientId, Room = l.Room, Code = l.Code });
        };
        client.OnReset += r => _maxDelivered.TryRemove(r.Room, out _);
        if (_plan.ReadDelay > TimeSpan.Zero)
        {
            _ctx.Observe(ReadSlowlyAsync(client, incarnation), $"{ClientId} slow reader");
        }
        else
        {
            client.OnMessage += m => Delivered(m);
        }
    }

    private async Task ReadSlowlyAsync(ChatClient client, int incarnation)
    {
        // The bounded message buffer fills while this reader dawdles; the client then stops reading the socket.
        await foreach (var m in client.Messages.WithCancellation(_ctx.RunStopping))
        {
            if (!Current(incarnation))
            {
                return;
            }

            await Task.Delay(_plan.ReadDelay, _ctx.Time, _ctx.RunStopping);
            Delivered(m);
        }
    }

    private void Delivered(MsgFrame m)
    {
        _ctx.Counters.AddDelivered();
        _maxDelivered.AddOrUpdate(m.Room, m.Seq, (_, old) => Math.Max(old, m.Seq));
        _ctx.Recorder.Record(new DeliveredEvent
        {
            AtMs = _ctx.Recorder.NowMs,
            ClientId = ClientId,
            Room = m.Room,
            Epoch = m.Epoch,
            RoomSeq = m.Seq,
            MessageId = m.Id,
            SenderClientId = m.ClientId,
            SenderUserId = m.From,
            SenderSeq = m.ClientSeq,
            ServerAtMs = m.At - _ctx.Recorder.StartUnixMs,
            ReplyToSeq = ReplyTo.For(m.From, m.Basis, m.Meta),
        });
    }

    private void SetConnected(bool connected)
    {
        lock (_gate)
        {
            if (_connected == connected)
            {
                return;
            }

            _connected = connected;
        }

        _ctx.Counters.AddConnected(connected ? 1 : -1);
    }

    private void Note(string what)
    {
        lock (_gate)
        {
            _lastEvent = what;
            _lastEventAtMs = _ctx.Recorder.NowMs;
        }
    }
}
