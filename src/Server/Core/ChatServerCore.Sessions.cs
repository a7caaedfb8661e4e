using ChatResilience.Protocol;
using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Core;

/// <summary>The connection manager and the room registry.</summary>
public sealed partial class ChatServerCore
{
    /// <summary>
    /// Registers a welcomed session; a live session of the same (user, client) is closed with 4410 first,
    /// so two sockets of one client never interleave its sends.
    /// </summary>
    internal async Task<RegistrationResult> RegisterAsync(ChatSession session)
    {
        ChatSession? superseded;
        lock (_sessionsLock)
        {
            if (IsStopping)
            {
                return RegistrationResult.Stopping;
            }

            var key = (session.UserId, session.ClientId);
            _byClient.TryGetValue(key, out superseded);
            if (!_byUser.TryGetValue(session.UserId, out var sessions))
            {
                sessions = _byUser[session.UserId] = [];
            }

            var others = sessions.Count - (superseded is not null ? 1 : 0);
            if (others >= Options.MaxConnectionsPerUser)
            {
                return RegistrationResult.TooManyForUser;
            }

            if (superseded is not null)
            {
                sessions.Remove(superseded);
            }

            sessions.Add(session);
            _byClient[key] = session;
        }

        if (superseded is not null)
        {
            CoreLog.Superseded(Logger, superseded.SessionId, session.UserId, session.ClientId, session.SessionId);
            await superseded.CloseAsync(CloseCodes.Superseded, "superseded by a newer session of this client");
        }

        return RegistrationResult.Registered;
    }

    internal void Unregister(ChatSession session)
    {
        lock (_sessionsLock)
        {
            var key = (session.UserId, session.ClientId);
            if (_byClient.TryGetValue(key, out var current) && current == session)
            {
                _byClient.Remove(key);
            }

            if (_byUser.TryGetValue(session.UserId, out var sessions) && sessions.Remove(session) && sessions.Count == 0)
            {
                _byUser.Remove(session.UserId);
            }
        }
    }

    internal ClientSettlement GetClientSettlement(string userId, string clientId) =>
        _clients.GetOrAdd((userId, clientId), static k => new ClientSettlement(k.User, k.Client));

    // ValueTask with a synchronous hit: every send looks its hub and membership up, and an async Task<T>
    // allocated a result task for each of the two.
    /// <summary>The live hub of a room, loading it from the log; with <paramref name="create"/> the room is created (or recreated at the next epoch).</summary>
    internal ValueTask<RoomHub?> GetHubAsync(string room, bool create, CancellationToken cancellationToken = default) =>
        _hubs.TryGetValue(room, out var hub) && !hub.Closed ? new ValueTask<RoomHub?>(hub) : LoadHubAsync(room, create, cancellationToken);

    private async ValueTask<RoomHub?> LoadHubAsync(string room, bool create, CancellationToken cancellationToken)
    {
        RoomHub? hub;
        await _hubGate.WaitAsync(cancellationToken);
        try
        {
            if (_hubs.TryGetValue(room, out hub) && !hub.Closed)
            {
                return hub;
            }

            var info = create ? await Log.EnsureRoomAsync(room, cancellationToken) : await Log.GetRoomAsync(room, cancellationToken);
            if (info is null || info.Deleted)
            {
                return null;
            }

            hub = new RoomHub(info, this);
            _hubs[room] = hub;
            return hub;
        }
        finally
        {
            _hubGate.Release();
        }
    }

    internal ValueTask<MembershipState> GetMembershipAsync(RoomHub hub, string userId, CancellationToken cancellationToken = default) =>
        hub.Members.TryGetValue(userId, out var state) ? new ValueTask<MembershipState>(state) : LoadMembershipAsync(hub, userId, cancellationToken);

    private async ValueTask<MembershipState> LoadMembershipAsync(RoomHub hub, string userId, CancellationToken cancellationToken)
    {
        var state = await Log.GetMembershipAsync(hub.Name, userId, cancellationToken);
        return hub.Members.GetOrAdd(userId, state);
    }

    internal async Task SetMembershipAsync(RoomHub hub, string userId, MembershipState state, CancellationToken cancellationToken = default)
    {
        if (hub.Members.TryGetValue(userId, out var current) && current == state)
        {
            return;
        }

        await Log.SetMembershipAsync(hub.Name, userId, state, cancellationToken);
        hub.Members[userId] = state;
    }

    /// <summary>Tells the user's other sessions subscribed to the room that their membership ended.</summary>
    internal void EndMembershipElsewhere(RoomHub hub, string userId, string code, ChatSession? except)
    {
        foreach (var s in hub.Snapshot())
        {
            if (s.Session != except && s.Session.UserId == userId)
            {
                s.Session.OnMembershipEnded(hub.Name, code);
            }
        }
    }

    /// <summary>The log's commit callback: hands a committed message to its room's live hub, in seq order.</summary>
    internal void PublishCommitted(StoredMessage message)
    {
        if (_hubs.TryGetValue(message.Room, out var hub) && hub.Epoch == message.Epoch)
        {
            hub.Publish(message);
        }
        else
        {
            OnCommitted(message);
        }
    }

    internal void OnCommitted(StoredMessage message) => _processor?.OnCommitted(message);

    internal void ReplayHole(Subscription subscription, long cursor) => CoreLog.ReplayHole(Logger, subscription.Hub.Name, subscription.Session.SessionId, cursor);
}
