using System.Security.Cryptography;
using System.Text;

namespace ChatResilience.Simulator.Workloads;

/// <summary>
/// Everything a run will do, decided up front from the scenario and the seed: clients, memberships, every send
/// (time, room, body), offline windows and the fault actions. The same scenario and seed give the same plan
/// (and the same <see cref="Hash"/>), which is what makes a seed a bug report.
/// </summary>
public sealed record WorkloadPlan
{
    public required int Seed { get; init; }
    public required IReadOnlyList<PlannedClient> Clients { get; init; }
    public required IReadOnlyList<string> Rooms { get; init; }
    public required IReadOnlyList<PlannedSend> Sends { get; init; }
    public required IReadOnlyList<PlannedOffline> Offline { get; init; }
    public required IReadOnlyList<PlannedFault> Faults { get; init; }

    /// <summary>A short hash of the whole plan (for "same seed, same workload").</summary>
    public string Hash()
    {
        var sb = new StringBuilder();
        foreach (var c in Clients)
        {
            sb.Append(c.ClientId).Append('|').Append(c.UserId).Append('|').Append(c.Group).Append('|')
                .AppendJoin(',', c.Rooms).Append('|').Append(c.ReadDelay.Ticks).Append('|').Append(c.ClockSkew.Ticks).Append('\n');
        }

        foreach (var s in Sends)
        {
            sb.Append(s.AtMs).Append('|').Append(s.ClientIndex).Append('|').Append(s.Room).Append('|').Append(s.Body).Append('\n');
        }

        foreach (var o in Offline)
        {
            sb.Append(o.ClientIndex).Append('|').Append(o.StartMs).Append('|').Append(o.EndMs).Append('\n');
        }

        foreach (var f in Faults)
        {
            sb.Append(f.Describe()).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }
}

/// <summary>One virtual client of the plan.</summary>
public sealed record PlannedClient
{
    public required int Index { get; init; }
    public required string ClientId { get; init; }
    public required string UserId { get; init; }
    public required string Group { get; init; }
    public required IReadOnlyList<string> Rooms { get; init; }

    /// <summary>Time the application spends per delivered message (slow reader); zero for a normal reader.</summary>
    public TimeSpan ReadDelay { get; init; }

    /// <summary>Offset of the device clock from true time.</summary>
    public TimeSpan ClockSkew { get; init; }
}

/// <summary>One message the workload composes, at <see cref="AtMs"/> after the workload starts.</summary>
public sealed record PlannedSend(long AtMs, int ClientIndex, string Room, string Body);

/// <summary>A client's offline window.</summary>
public sealed record PlannedOffline(int ClientIndex, long StartMs, long EndMs);
