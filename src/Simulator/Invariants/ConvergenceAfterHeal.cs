using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §6.3 and §6.5, as a liveness bound: after the last fault is removed (the last <see cref="FaultEvent"/>
/// "removed" that leaves no fault active, or <c>faults_healed</c>; none if a fault is still active at the end), every member of a room reaches the room's head at heal time (the highest
/// room seq acked by then) within <see cref="CheckContext.ConvergenceBound"/> plus
/// <see cref="CheckContext.LateAllowanceMs"/> (the scheduling tolerance and the harness's measured lateness from then on),
/// counted from the heal or from when the reader itself came back (restart, offline end, join), whichever is
/// later. Excluded (counted): readers crashed or offline at the end, rooms deleted or reset during the run, and
/// deadlines past the end of the run. Samples: (reader, room) pairs examined.
/// </summary>
public sealed class ConvergenceAfterHeal : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(ConvergenceAfterHeal);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        long? healedAt = null;
        var active = new HashSet<string>(StringComparer.Ordinal);
        var unstable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in history.NonDeliveries)
        {
            switch (e)
            {
                case FaultEvent { Action: "applied" } f:
                    active.Add(f.FaultId);
                    healedAt = null;
                    break;
                case FaultEvent { Action: "removed" } f:
                    active.Remove(f.FaultId);
                    healedAt = active.Count == 0 ? f.AtMs : null;
                    break;
                case HarnessEvent { Kind: HarnessEventKinds.FaultsHealed } h:
                    active.Clear();
                    healedAt = h.AtMs;
                    break;
                case HarnessEvent { Kind: HarnessEventKinds.RoomDeleted, Room: { } room }:
                    unstable.Add(room);
                    break;
                case JoinedEvent { Reset: true } j:
                    unstable.Add(j.Room);
                    break;
            }
        }

        if (healedAt is not { } heal)
        {
            result.Detail("heal", active.Count > 0 ? $"{active.Count} fault(s) still active at the end" : "no fault was removed: nothing to converge after");
            return result.Build();
        }

        result.Detail("healedAtMs", heal);
        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var a in history.OfType<AckedEvent>())
        {
            if (a.AtMs <= heal && a.RoomSeq is { } seq && !unstable.Contains(a.Room))
            {
                heads[a.Room] = Math.Max(heads.GetValueOrDefault(a.Room), seq);
            }
        }

        var reachedAt = new Dictionary<(string Reader, string Room), long>();
        foreach (var d in history.OfType<DeliveredEvent>())
        {
            if (heads.TryGetValue(d.Room, out var head) && d.RoomSeq >= head)
            {
                reachedAt.TryAdd((d.ClientId, d.Room), d.AtMs);
            }
        }

        var fates = ClientFates.From(history);
        var boundMs = (long)context.ConvergenceBound.TotalMilliseconds;
        foreach (var (room, members) in FinalMembers.From(history).ByRoom)
        {
            if (!heads.TryGetValue(room, out var head))
            {
                continue;
            }

            foreach (var (reader, since) in members)
            {
                if (fates.CrashedAtEnd(reader) || fates.OfflineAtEnd(reader))
                {
                    result.Excluded++;
                    continue;
                }

                var from = Math.Max(Math.Max(heal, since), fates.LastBackAtMs(reader) ?? 0);
                var reached = reachedAt.TryGetValue((reader, room), out var at);
                var deadline = from + boundMs + context.LateAllowanceMs(from, reached ? at : fates.EndMs);
                if (reached)
                {
                    result.Samples++;
                    if (at > deadline)
                    {
                        result.Add($"{reader} reached {room} head {head} only at {at} ms, deadline {deadline} ms", at, room, head, reader);
                    }
                }
                else if (deadline > fates.EndMs)
                {
                    result.Excluded++;
                }
                else
                {
                    result.Samples++;
                    result.Add($"{reader} never reached {room} head {head} (deadline {deadline} ms)", deadline, room, head, reader);
                }
            }
        }

        result.Detail("unstableRooms", unstable.Count);
        return result.Build();
    }
}
