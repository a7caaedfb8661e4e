using ChatResilience.Simulator.Scenarios;

namespace ChatResilience.Simulator.Workloads;

/// <summary>Turns a scenario and a seed into a <see cref="WorkloadPlan"/> (pure: no I/O, no clock).</summary>
public static class WorkloadPlanner
{
    private const int PurposeClient = 1;
    private const int PurposeSends = 2;
    private const int PurposeBodies = 3;
    private const int PurposeRooms = 4;
    private const int PurposeOffline = 5;
    private const int PurposeFaults = 6;

    /// <summary>Client id of index <paramref name="index"/>.</summary>
    public static string ClientIdFor(int index) => $"sim-c{index:D5}";

    /// <summary>User id of index <paramref name="userIndex"/>.</summary>
    public static string UserIdFor(int userIndex) => $"sim-u{userIndex:D5}";

    /// <param name="scenario">The scenario (overrides applied).</param>
    /// <param name="seed">The run seed.</param>
    /// <param name="sendsOf">
    /// Plans sends only for the clients (plan index) it accepts; null plans all. A sharded worker passes its shard:
    /// each client's sends come from its own seeded stream, so its sends are the same either way, and a worker
    /// skips generating thousands of other clients' bodies.
    /// </param>
    public static WorkloadPlan Create(Scenario scenario, int seed, Func<int, bool>? sendsOf = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var count = scenario.Clients.Count;
        var users = scenario.Workload.Users ?? count;
        var groups = ClientGroups.Assign(scenario.Clients);
        var rooms = RoomNames.All(scenario.Workload.Rooms).ToList();
        var memberships = AssignRooms(scenario, seed, rooms);

        var clients = new List<PlannedClient>(count);
        for (var i = 0; i < count; i++)
        {
            var rng = SeedMixer.Create(seed, i, PurposeClient);
            var slow = scenario.Workload.SlowReaders;
            var skew = scenario.Workload.ClockSkew;
            var readDelay = slow is not null && rng.NextDouble() < slow.Fraction ? slow.ReadDelay : TimeSpan.Zero;
            var clockSkew = skew is not null && rng.NextDouble() < skew.Fraction
                ? TimeSpan.FromMilliseconds(Math.Round((rng.NextDouble() * 2 - 1) * skew.Max.TotalMilliseconds))
                : TimeSpan.Zero;
            clients.Add(new PlannedClient
            {
                Index = i,
                ClientId = ClientIdFor(i),
                UserId = UserIdFor(i % users),
                Group = groups[i],
                Rooms = memberships[i],
                ReadDelay = readDelay,
                ClockSkew = clockSkew,
            });
        }

        return new WorkloadPlan
        {
            Seed = seed,
            Clients = clients,
            Rooms = rooms,
            Sends = PlanSends(scenario, seed, sendsOf is null ? clients : [.. clients.Where(c => sendsOf(c.Index))]),
            Offline = PlanOffline(scenario, seed, clients),
            Faults = PlanFaults(scenario, seed, clients),
        };
    }

    private static List<string>[] AssignRooms(Scenario scenario, int seed, List<string> rooms)
    {
        var count = scenario.Clients.Count;
        var result = Enumerable.Range(0, count).Select(_ => new List<string>()).ToArray();
        var rng = SeedMixer.Create(seed, 0, PurposeRooms);
        var sizes = scenario.Workload.Rooms.SelectMany(f => Enumerable.Repeat(f.Size, f.Count)).ToList();
        for (var r = 0; r < rooms.Count; r++)
        {
            // Fewest memberships first (random tie-break), so every client gets a room before any gets two.
            var keys = Enumerable.Range(0, count).Select(_ => rng.Next()).ToArray();
            var members = Enumerable.Range(0, count)
                .OrderBy(i => result[i].Count).ThenBy(i => keys[i])
                .Take(Math.Min(sizes[r], count));
            foreach (var m in members)
            {
                result[m].Add(rooms[r]);
            }
        }

        return result;
    }

    private static List<PlannedSend> PlanSends(Scenario scenario, int seed, List<PlannedClient> clients)
    {
        var sends = new List<PlannedSend>();
        var rate = scenario.Workload.SendRatePerClient;
        var durationMs = (long)scenario.Duration.TotalMilliseconds;
        var size = scenario.Workload.MessageSize;
        if (rate <= 0)
        {
            return sends;
        }

        foreach (var c in clients.Where(c => c.Rooms.Count > 0))
        {
            var rng = SeedMixer.Create(seed, c.Index, PurposeSends);
            var bodies = new BodyGenerator(SeedMixer.Derive(seed, c.Index, PurposeBodies));
            var t = 0.0;
            while (true)
            {
                // Poisson arrivals: exponential gaps with mean 1/rate.
                t += -Math.Log(1 - rng.NextDouble()) / rate * 1000;
                if (t >= durationMs)
                {
                    break;
                }

                var room = c.Rooms[rng.Next(c.Rooms.Count)];
                var bytes = rng.Next(size.Min, size.Max + 1);
                sends.Add(new PlannedSend((long)t, c.Index, room, bodies.Next(bytes)));
            }
        }

        sends.Sort((a, b) => a.AtMs != b.AtMs ? a.AtMs.CompareTo(b.AtMs) : a.ClientIndex.CompareTo(b.ClientIndex));
        return sends;
    }

    private static List<PlannedOffline> PlanOffline(Scenario scenario, int seed, List<PlannedClient> clients)
    {
        var result = new List<PlannedOffline>();
        for (var i = 0; i < scenario.Workload.Offline.Count; i++)
        {
            var o = scenario.Workload.Offline[i];
            var rng = SeedMixer.Create(seed, i, PurposeOffline);
            var eligible = clients.Where(c => o.Group is null || c.Group == o.Group).ToList();
            var start = (long)o.Start.TotalMilliseconds;
            foreach (var c in Pick(rng, eligible, o.Fraction))
            {
                result.Add(new PlannedOffline(c.Index, start, start + (long)o.Duration.TotalMilliseconds));
            }
        }

        return result;
    }

    private static List<PlannedFault> PlanFaults(Scenario scenario, int seed, List<PlannedClient> clients)
    {
        var result = new List<PlannedFault>();
        var groups = ClientGroups.Names(scenario.Clients);
        for (var i = 0; i < scenario.Faults.Count; i++)
        {
            var f = scenario.Faults[i];
            var rng = SeedMixer.Create(seed, i, PurposeFaults);
            var start = (long)f.Start.TotalMilliseconds;
            var end = f.Duration is { } d ? start + (long)d.TotalMilliseconds : (long?)null;
            var baseFault = new PlannedFault
            {
                Id = $"f{i}-{f.Type}",
                Type = f.Type,
                StartMs = start,
                EndMs = end,
                Direction = f.Direction,
                Toxicity = f.Toxicity,
                Attributes = f.Attributes,
                Graceful = f.Graceful,
                Room = f.Room,
                RestartAfterMs = (long)f.RestartAfter.TotalMilliseconds,
            };

            if (FaultTypes.Network.Contains(f.Type))
            {
                // One action per targeted proxy: a fault without a group hits every group.
                foreach (var g in f.Group is null ? groups : [f.Group])
                {
                    result.Add(baseFault with { Id = $"{baseFault.Id}-{g}", Group = g });
                }
            }
            else if (f.Type == FaultTypes.ClientCrash)
            {
                var eligible = clients.Where(c => f.Group is null || c.Group == f.Group).ToList();
                result.Add(baseFault with { Group = f.Group, TargetClients = [.. Pick(rng, eligible, f.Fraction).Select(c => c.Index)] });
            }
            else if (f.Type == FaultTypes.MemberRemove)
            {
                var memberUsers = clients.Where(c => c.Rooms.Contains(f.Room!)).Select(c => c.UserId).Distinct().Order(StringComparer.Ordinal).ToList();
                result.Add(baseFault with { TargetUsers = [.. Pick(rng, memberUsers, f.Fraction)] });
            }
            else
            {
                result.Add(baseFault);
            }
        }

        return [.. result.OrderBy(f => f.StartMs).ThenBy(f => f.Id, StringComparer.Ordinal)];
    }

    /// <summary>A seeded pick of round(fraction·n) items (at least one when there are any), in their original order.</summary>
    private static IEnumerable<T> Pick<T>(Random rng, List<T> items, double fraction)
    {
        var n = Math.Clamp((int)Math.Round(items.Count * fraction), items.Count == 0 ? 0 : 1, items.Count);
        var keys = items.Select(_ => rng.Next()).ToArray();
        var chosen = Enumerable.Range(0, items.Count).OrderBy(i => keys[i]).Take(n).Order();
        return chosen.Select(i => items[i]);
    }
}
