using System.Text.RegularExpressions;

namespace ChatResilience.Simulator.Scenarios;

/// <summary>Checks every field of a scenario and names each bad one by its JSON path.</summary>
internal static partial class ScenarioValidator
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IReadOnlyList<string> Validate(Scenario s)
    {
        var e = new List<string>();
        if (s.SchemaVersion != Scenario.CurrentSchemaVersion)
        {
            e.Add($"schemaVersion: must be {Scenario.CurrentSchemaVersion}, was {s.SchemaVersion}");
        }

        if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 64)
        {
            e.Add("name: required, 1-64 characters");
        }

        Check(e, s.Duration > TimeSpan.Zero && s.Duration <= TimeSpan.FromDays(1), "duration", "must be > 0 and ≤ 24h");
        Check(e, s.Seed >= 0, "seed", "must be ≥ 0");
        Check(e, s.Clients.Count is >= 1 and <= 1_000_000, "clients.count", "must be in [1, 1000000]");
        ValidateGroups(e, s);
        ValidateClient(e, s.Client);
        ValidateWorkload(e, s);
        var roomNames = RoomNames.All(s.Workload.Rooms).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < s.Faults.Count; i++)
        {
            ValidateFault(e, s, s.Faults[i], $"faults[{i}]", roomNames);
        }

        var b = s.Bounds;
        Check(e, b.OfflineReplay > TimeSpan.Zero, "bounds.offlineReplay", "must be > 0");
        Check(e, b.Convergence > TimeSpan.Zero, "bounds.convergence", "must be > 0");
        Check(e, b.SchedulingTolerance >= TimeSpan.Zero, "bounds.schedulingTolerance", "must be ≥ 0");
        Check(e, b.Quiesce > TimeSpan.Zero, "bounds.quiesce", "must be > 0");
        Check(e, b.Watchdog >= TimeSpan.FromSeconds(1), "bounds.watchdog", "must be ≥ 1s");
        foreach (var (metric, value) in s.Slos)
        {
            if (!SloMetrics.All.Contains(metric))
            {
                e.Add($"slos.{metric}: unknown metric (known: {string.Join(", ", SloMetrics.All.Order())})");
            }
            else
            {
                Check(e, value >= 0 && double.IsFinite(value) && (!metric.Contains("fraction", StringComparison.Ordinal) || value <= 1), $"slos.{metric}", "must be ≥ 0 (and ≤ 1 for a fraction)");
            }
        }

        foreach (var (checker, n) in s.MinSamples)
        {
            Check(e, n >= 0, $"minSamples.{checker}", "must be ≥ 0");
        }

        LoadSpecValidator.Validate(e, s);

        return e;
    }

    private static void ValidateGroups(List<string> e, Scenario s)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Check(e, s.Clients.Groups.Count <= Math.Max(1, s.Clients.Count), "clients.groups", "must not have more groups than clients");
        for (var i = 0; i < s.Clients.Groups.Count; i++)
        {
            var g = s.Clients.Groups[i];
            Check(e, GroupName().IsMatch(g.Name), $"clients.groups[{i}].name", "must match [a-z0-9-]{1,32}");
            Check(e, seen.Add(g.Name), $"clients.groups[{i}].name", $"duplicate group '{g.Name}'");
            Check(e, g.Weight > 0 && double.IsFinite(g.Weight), $"clients.groups[{i}].weight", "must be > 0");
        }
    }

    private static void ValidateClient(List<string> e, ClientConfigSpec c)
    {
        var r = c.Reconnect;
        Check(e, r.DelayBase is null || r.DelayBase <= TimeSpan.FromHours(1), "client.reconnect.delayBase", "must be in [0, 1h]");
        Check(e, r.Multiplier is null or (>= 1 and <= 100), "client.reconnect.multiplier", "must be in [1, 100]");
        Check(e, r.DelayMax is null || (r.DelayMax >= (r.DelayBase ?? TimeSpan.Zero) && r.DelayMax <= TimeSpan.FromDays(1)), "client.reconnect.delayMax", "must be ≥ delayBase and ≤ 1 day");
        Check(e, r.Jitter is null or (>= 0 and <= 1), "client.reconnect.jitter", "must be in [0, 1]");
        Check(e, c.OutboxCapacity is null or >= 1, "client.outboxCapacity", "must be ≥ 1");
    }

    private static void ValidateWorkload(List<string> e, Scenario s)
    {
        var w = s.Workload;
        var clients = s.Clients.Count;
        Check(e, w.Users is null || (w.Users >= 1 && w.Users <= clients), "workload.users", $"must be in [1, clients.count = {clients}]");
        Check(e, w.Rooms.Count >= 1, "workload.rooms", "must list at least one room family");
        for (var i = 0; i < w.Rooms.Count; i++)
        {
            var r = w.Rooms[i];
            Check(e, RoomPrefix().IsMatch(r.Name), $"workload.rooms[{i}].name", "must match ^[a-z0-9][a-z0-9._:-]{0,100}$");
            Check(e, r.Count is >= 1 and <= 10_000, $"workload.rooms[{i}].count", "must be in [1, 10000]");
            Check(e, r.Size >= 1, $"workload.rooms[{i}].size", "must be ≥ 1");
            Check(e, r.Size <= clients, $"workload.rooms[{i}].size", $"must be ≤ clients.count ({clients})");
        }

        var names = RoomNames.All(w.Rooms).ToList();
        Check(e, names.Count == names.Distinct(StringComparer.Ordinal).Count(), "workload.rooms", "room families generate duplicate room names");
        Check(e, w.SendRatePerClient >= 0 && w.SendRatePerClient <= 100, "workload.sendRatePerClient", "must be in [0, 100] messages/s");
        Check(e, w.MessageSize.Min >= 1, "workload.messageSize.min", "must be ≥ 1");
        Check(e, w.MessageSize.Max >= w.MessageSize.Min && w.MessageSize.Max <= MaxBodyBytes, "workload.messageSize.max", $"must be in [min, {MaxBodyBytes}]");
        for (var i = 0; i < w.Offline.Count; i++)
        {
            var o = w.Offline[i];
            var p = $"workload.offline[{i}]";
            CheckGroup(e, s, o.Group, p + ".group");
            Check(e, o.Fraction > 0 && o.Fraction <= 1, p + ".fraction", "must be in (0, 1]");
            Check(e, o.Start >= TimeSpan.Zero && o.Start < s.Duration, p + ".start", "must be within the run duration");
            Check(e, o.Duration > TimeSpan.Zero, p + ".duration", "must be > 0");
        }

        if (w.SlowReaders is { } slow)
        {
            Check(e, slow.Fraction is >= 0 and <= 1, "workload.slowReaders.fraction", "must be in [0, 1]");
            Check(e, slow.ReadDelay >= TimeSpan.Zero && slow.ReadDelay <= TimeSpan.FromSeconds(10), "workload.slowReaders.readDelay", "must be in [0, 10s]");
        }

        if (w.ClockSkew is { } skew)
        {
            Check(e, skew.Fraction is >= 0 and <= 1, "workload.clockSkew.fraction", "must be in [0, 1]");
            Check(e, skew.Max >= TimeSpan.Zero && skew.Max <= TimeSpan.FromDays(1), "workload.clockSkew.max", "must be in [0, 1 day]");
        }
    }

    private static void ValidateFault(List<string> e, Scenario s, FaultSpec f, string p, HashSet<string> rooms)
    {
        var known = FaultTypes.Network.Contains(f.Type) || FaultTypes.Harness.Contains(f.Type);
        Check(e, known, p + ".type", $"unknown fault type '{f.Type}' (known: {string.Join(", ", FaultTypes.Network.Concat(FaultTypes.Harness).Order())})");
        Check(e, f.Start >= TimeSpan.Zero && f.Start <= s.Duration, p + ".start", "must be within the run duration");
        CheckGroup(e, s, f.Group, p + ".group");
        if (FaultTypes.Network.Contains(f.Type))
        {
            Check(e, f.Duration is { } d && d > TimeSpan.Zero, p + ".duration", "must be > 0 for a network fault");
            Check(e, f.Direction is "downstream" or "upstream" or "both", p + ".direction", "must be \"downstream\", \"upstream\" or \"both\"");
            Check(e, f.Toxicity is >= 0 and <= 1, p + ".toxicity", "must be in [0, 1]");
        }

        if (FaultTypes.Toxics.TryGetValue(f.Type, out var attributes))
        {
            foreach (var (name, value) in f.Attributes)
            {
                Check(e, attributes.Contains(name), $"{p}.attributes.{name}", $"unknown attribute for {f.Type} (known: {string.Join(", ", attributes)})");
                Check(e, value >= 0, $"{p}.attributes.{name}", "must be ≥ 0");
            }
        }
        else
        {
            Check(e, f.Attributes.Count == 0, p + ".attributes", $"{f.Type} takes no attributes");
        }

        if (f.Type is FaultTypes.RoomDelete or FaultTypes.MemberRemove)
        {
            Check(e, f.Room is not null && rooms.Contains(f.Room), p + ".room", $"must name a generated room ({string.Join(", ", rooms.Order().Take(5))}{(rooms.Count > 5 ? ", …" : "")})");
        }

        if (f.Type is FaultTypes.ClientCrash or FaultTypes.MemberRemove)
        {
            Check(e, f.Fraction > 0 && f.Fraction <= 1, p + ".fraction", "must be in (0, 1]");
        }

        if (f.Type is FaultTypes.ClientCrash)
        {
            Check(e, f.RestartAfter >= TimeSpan.Zero && f.RestartAfter <= TimeSpan.FromMinutes(10), p + ".restartAfter", "must be in [0, 10m]");
        }
    }

    private static void CheckGroup(List<string> e, Scenario s, string? group, string path)
    {
        if (group is not null)
        {
            var groups = ClientGroups.Names(s.Clients);
            Check(e, groups.Contains(group), path, $"unknown group '{group}' (groups: {string.Join(", ", groups)})");
        }
    }

    private static void Check(List<string> errors, bool ok, string path, string message)
    {
        if (!ok)
        {
            errors.Add($"{path}: {message}");
        }
    }

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex GroupName();

    [GeneratedRegex("^[a-z0-9][a-z0-9._:-]{0,100}$")]
    private static partial Regex RoomPrefix();
}
