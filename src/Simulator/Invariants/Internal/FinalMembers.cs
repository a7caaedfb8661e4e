using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>
/// The members of each room at the end of the run and since when they have been members without interruption.
/// A membership starts at the workload's join (<see cref="MembershipEvent"/>), moved to the server's first
/// <see cref="JoinedEvent"/> after it when there is one (a message stored while the join was in flight is not
/// owed to the joiner); it ends at a leave, a <see cref="LeftEvent"/>, a member removal or a room deletion.
/// </summary>
internal sealed class FinalMembers
{
    private readonly Dictionary<string, Dictionary<string, long>> _byRoom = new(StringComparer.Ordinal);

    private FinalMembers()
    {
    }

    /// <summary>Room → (client → membership start in ms) for memberships still open at the end.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, long>> ByRoom => _byRoom;

    public static FinalMembers From(RecordedHistory history)
    {
        var open = new Dictionary<string, Dictionary<string, (long Start, bool AwaitingJoined)>>(StringComparer.Ordinal);
        var clientsOfUser = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);

        foreach (var e in history.NonDeliveries)
        {
            switch (e)
            {
                case MembershipEvent m:
                    if (!clientsOfUser.TryGetValue(m.UserId, out var clients))
                    {
                        clientsOfUser[m.UserId] = clients = new HashSet<string>(StringComparer.Ordinal);
                    }

                    clients.Add(m.ClientId);
                    var room = RoomOf(open, m.Room);
                    if (m.Member)
                    {
                        room.TryAdd(m.ClientId, (m.AtMs, true));
                    }
                    else
                    {
                        room.Remove(m.ClientId);
                    }

                    break;
                case JoinedEvent j when open.TryGetValue(j.Room, out var members)
                                        && members.TryGetValue(j.ClientId, out var state) && state.AwaitingJoined:
                    members[j.ClientId] = (j.AtMs, false);
                    break;
                case LeftEvent l when open.TryGetValue(l.Room, out var members):
                    members.Remove(l.ClientId);
                    break;
                case HarnessEvent { Kind: HarnessEventKinds.RoomDeleted, Room: { } deleted }:
                    open.Remove(deleted);
                    break;
                case HarnessEvent { Kind: HarnessEventKinds.MemberRemoved, Room: { } r } h when open.TryGetValue(r, out var members):
                    if (h.ClientId is { } c)
                    {
                        members.Remove(c);
                    }
                    else if (h.UserId is { } u && clientsOfUser.TryGetValue(u, out var ofUser))
                    {
                        foreach (var client in ofUser)
                        {
                            members.Remove(client);
                        }
                    }

                    break;
            }
        }

        var result = new FinalMembers();
        foreach (var (room, members) in open)
        {
            if (members.Count > 0)
            {
                result._byRoom[room] = members.ToDictionary(p => p.Key, p => p.Value.Start, StringComparer.Ordinal);
            }
        }

        return result;
    }

    private static Dictionary<string, (long Start, bool AwaitingJoined)> RoomOf(
        Dictionary<string, Dictionary<string, (long Start, bool AwaitingJoined)>> open, string room)
    {
        if (!open.TryGetValue(room, out var members))
        {
            open[room] = members = new Dictionary<string, (long, bool)>(StringComparer.Ordinal);
        }

        return members;
    }
}
