using System.Collections.Concurrent;

namespace ChatResilience.Server.Storage;

/// <summary>
/// The log in process memory, for tests and for a server run without a file. Each room has its own lock,
/// so a room's appends "commit" in call order and its callbacks run in seq order, while appends to other
/// rooms proceed in parallel (one global lock was the most contended lock of the send→ack path under
/// 100–1,000 connections). A room's messages are kept serialized (<see cref="PackedMessageList"/>), so what the
/// log keeps is not a graph of objects for the collector to trace and copy. Outcomes and marks are kept per (user,
/// client) under its own lock (<see cref="ClientOutcomes"/>). Lost on restart:
/// a new instance starts every room again at epoch 1.
/// </summary>
public sealed class InMemoryMessageLog : IMessageLog
{
    // Guards the room map's shape (create, recreate, delete) and memberships and read markers; a room's
    // messages are guarded by the room itself. Order: _lock, then a room; never the reverse.
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, RoomData> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string User, string Client), ClientOutcomes> _clients = new();
    private readonly Dictionary<(string Room, string User), MembershipState> _members = [];
    private readonly Dictionary<(string Room, string User), long> _read = [];

    /// <inheritdoc />
    public ValueTask<RoomInfo?> GetRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        if (!_rooms.TryGetValue(room, out var r))
        {
            return ValueTask.FromResult<RoomInfo?>(null);
        }

        lock (r.Sync)
        {
            return ValueTask.FromResult<RoomInfo?>(r.Info());
        }
    }

    /// <inheritdoc />
    public ValueTask<RoomInfo> EnsureRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(room, out var r))
            {
                r = _rooms[room] = new RoomData(room, 1);
            }
            else if (r.Deleted)
            {
                r = _rooms[room] = new RoomData(room, r.Epoch + 1);
            }

            lock (r.Sync)
            {
                return ValueTask.FromResult(r.Info());
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<RoomInfo?> DeleteRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(room, out var r) || r.Deleted)
            {
                return ValueTask.FromResult<RoomInfo?>(null);
            }

            RoomInfo info;
            lock (r.Sync)
            {
                r.Deleted = true;
                r.Messages.Clear();
                r.Answers.Clear();
                info = r.Info();
            }

            foreach (var key in _members.Keys.Where(k => k.Room == room).ToList())
            {
                _members.Remove(key);
            }

            foreach (var key in _read.Keys.Where(k => k.Room == room).ToList())
            {
                _read.Remove(key);
            }

            return ValueTask.FromResult<RoomInfo?>(info);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListRoomsAsync(CancellationToken cancellationToken = default)
    {
        return ValueTask.FromResult<IReadOnlyList<string>>([.. _rooms.Values.Where(r => !r.Deleted).Select(r => r.Name)]);
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(StoredMessage message, string? senderUserId, Action<StoredMessage>? onCommitted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_rooms.TryGetValue(message.Room, out var r))
        {
            return ValueTask.FromException<AppendResult>(new RoomUnavailableException($"room '{message.Room}' does not exist"));
        }

        lock (r.Sync)
        {
            // A room deleted (and maybe recreated) since the lookup: its old data is a tombstone.
            if (r.Deleted)
            {
                return ValueTask.FromException<AppendResult>(new RoomUnavailableException($"room '{message.Room}' does not exist"));
            }

            if (message.AnswerFor is { } trigger && r.Answers.TryGetValue(trigger, out var existing))
            {
                return ValueTask.FromResult(new AppendResult(existing, Duplicate: true));
            }

            var stored = message with { Epoch = r.Epoch, Seq = r.Head + 1 };
            r.Messages.Add(stored);
            r.Head = stored.Seq;
            if (stored.AnswerFor is { } t)
            {
                r.Answers[t] = stored;
            }

            if (senderUserId is not null)
            {
                Client(senderUserId, stored.ClientId).Record(stored.ClientSeq, new OutcomeEntry(stored.Id, stored.Room, stored.Seq, stored.At, Nack: null));
            }

            onCommitted?.Invoke(stored);
            return ValueTask.FromResult(new AppendResult(stored, Duplicate: false));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredMessage>> ReadAsync(string room, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        if (!_rooms.TryGetValue(room, out var r))
        {
            return ValueTask.FromResult<IReadOnlyList<StoredMessage>>([]);
        }

        lock (r.Sync)
        {
            if (r.Deleted)
            {
                return ValueTask.FromResult<IReadOnlyList<StoredMessage>>([]);
            }

            return ValueTask.FromResult<IReadOnlyList<StoredMessage>>(r.Messages.Read(afterSeq + 1, limit));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> TrimAsync(string room, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        if (!_rooms.TryGetValue(room, out var r))
        {
            return ValueTask.FromResult(1L);
        }

        lock (r.Sync)
        {
            var remove = 0;
            var messages = r.Messages;
            for (var seq = messages.FirstSeq; remove < messages.Count; seq++)
            {
                var tooMany = r.Head - seq >= cut.MaxMessages;
                var tooOld = messages.AtOf(seq) < cut.MinAtMs;
                if (seq >= cut.ProtectFromSeq || !(tooMany || tooOld))
                {
                    break;
                }

                remove++;
            }

            messages.RemoveFirst(remove);

            return ValueTask.FromResult(r.Info().FirstSeq);
        }
    }

    /// <inheritdoc />
    public ValueTask RecordOutcomeAsync(SettlementOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Client(outcome.UserId, outcome.ClientId).Record(outcome.Seq, new OutcomeEntry(outcome.Id, outcome.Room, outcome.RoomSeq ?? 0, outcome.At, outcome));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<SettlementOutcome?> GetOutcomeAsync(string userId, string clientId, long seq, CancellationToken cancellationToken = default)
    {
        if (!_clients.TryGetValue((userId, clientId), out var c))
        {
            return ValueTask.FromResult<SettlementOutcome?>(null);
        }

        lock (c.Sync)
        {
            if (!c.TryGet(seq, out var e))
            {
                return ValueTask.FromResult<SettlementOutcome?>(null);
            }

            return ValueTask.FromResult<SettlementOutcome?>(e.Nack ?? new SettlementOutcome
            {
                UserId = userId, ClientId = clientId, Seq = seq, Id = e.Id, Room = e.Room, RoomSeq = e.RoomSeq, At = e.At,
            });
        }
    }

    /// <inheritdoc />
    public ValueTask<long?> GetClientMarkAsync(string userId, string clientId, CancellationToken cancellationToken = default)
    {
        if (!_clients.TryGetValue((userId, clientId), out var c))
        {
            return ValueTask.FromResult<long?>(null);
        }

        lock (c.Sync)
        {
            return ValueTask.FromResult(c.Mark);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> TrimOutcomesAsync(long olderThanAtMs, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        foreach (var c in _clients.Values)
        {
            lock (c.Sync)
            {
                removed += c.TrimOlderThan(olderThanAtMs);
            }
        }

        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc />
    public ValueTask SetMembershipAsync(string room, string userId, MembershipState state, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _members[(room, userId)] = state;
            return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc />
    public ValueTask<MembershipState> GetMembershipAsync(string room, string userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_members.GetValueOrDefault((room, userId)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetMembersAsync(string room, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([.. _members.Where(kv => kv.Key.Room == room && kv.Value == MembershipState.Member).Select(kv => kv.Key.User).Order(StringComparer.Ordinal)]);
        }
    }

    /// <inheritdoc />
    public ValueTask SetReadMarkerAsync(string room, string userId, long seq, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = (room, userId);
            _read[key] = Math.Max(_read.GetValueOrDefault(key), seq);
            return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc />
    public ValueTask<long?> GetReadMarkerAsync(string room, string userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_read.TryGetValue((room, userId), out var s) ? s : (long?)null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredMessage>> GetUnansweredAsync(string room, string assistantUserId, CancellationToken cancellationToken = default)
    {
        if (!_rooms.TryGetValue(room, out var r))
        {
            return ValueTask.FromResult<IReadOnlyList<StoredMessage>>([]);
        }

        lock (r.Sync)
        {
            if (r.Deleted)
            {
                return ValueTask.FromResult<IReadOnlyList<StoredMessage>>([]);
            }

            return ValueTask.FromResult<IReadOnlyList<StoredMessage>>([.. r.Messages.Read(r.Messages.FirstSeq, r.Messages.Count).Where(m => m.From != assistantUserId && !r.Answers.ContainsKey(m.Seq))]);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ClientOutcomes Client(string userId, string clientId) =>
        _clients.TryGetValue((userId, clientId), out var c) ? c : _clients.GetOrAdd((userId, clientId), static _ => new ClientOutcomes());

    private sealed class RoomData(string name, long epoch)
    {
        private volatile bool _deleted;

        public Lock Sync { get; } = new();
        public string Name { get; } = name;
        public long Epoch { get; } = epoch;
        public long Head { get; set; }

        /// <summary>Set under <see cref="Sync"/> (and the map lock); volatile so lock-free readers of the map see it.</summary>
        public bool Deleted
        {
            get => _deleted;
            set => _deleted = value;
        }

        public PackedMessageList Messages { get; } = new();
        public Dictionary<long, StoredMessage> Answers { get; } = [];

        public RoomInfo Info() => new(Name, Epoch, Head, Messages.Count > 0 ? Messages.FirstSeq : Head + 1, Deleted);
    }
}
