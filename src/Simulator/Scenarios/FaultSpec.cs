namespace ChatResilience.Simulator.Scenarios;

/// <summary>
/// One entry of the fault timeline. Network faults (<see cref="FaultTypes.Network"/>) are Toxiproxy toxics or a
/// proxy outage on one group's proxy; harness faults act on the server, clients or rooms.
/// </summary>
public sealed record FaultSpec
{
    /// <summary>Fault type (<see cref="FaultTypes"/>). Required.</summary>
    public string Type { get; init; } = "";

    /// <summary>Target group for network faults, client_crash and offline-style faults; null means every group. Default: null.</summary>
    public string? Group { get; init; }

    /// <summary>Toxic direction: <c>downstream</c> (server → client), <c>upstream</c> or <c>both</c>. Default: downstream.</summary>
    public string Direction { get; init; } = "downstream";

    /// <summary>Probability a connection is affected by a toxic, 0..1. Default: 1.</summary>
    public double Toxicity { get; init; } = 1;

    /// <summary>When the fault starts, relative to the run start. Required.</summary>
    public TimeSpan Start { get; init; }

    /// <summary>How long a network fault lasts; null for instant harness faults. Default: null.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Toxic attributes as in Toxiproxy (e.g. latency: <c>latency</c>, <c>jitter</c> in ms). Default: none.</summary>
    public IReadOnlyDictionary<string, long> Attributes { get; init; } = new Dictionary<string, long>();

    /// <summary>server_restart: graceful stop (1001 with a hint) or kill. Default: true.</summary>
    public bool Graceful { get; init; } = true;

    /// <summary>client_crash / member_remove: share of the target clients or members affected. Default: 0.1.</summary>
    public double Fraction { get; init; } = 0.1;

    /// <summary>room_delete / member_remove: the room (a generated name such as <c>room-0</c>). Required for those.</summary>
    public string? Room { get; init; }

    /// <summary>client_crash: downtime before the client restarts with its outbox. Default: 1 s.</summary>
    public TimeSpan RestartAfter { get; init; } = TimeSpan.FromSeconds(1);
}
