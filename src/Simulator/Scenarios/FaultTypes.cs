namespace ChatResilience.Simulator.Scenarios;

/// <summary>The fault type names a scenario may use.</summary>
public static class FaultTypes
{
    public const string Latency = "latency";
    public const string Bandwidth = "bandwidth";
    public const string SlowClose = "slow_close";
    public const string Timeout = "timeout";
    public const string ResetPeer = "reset_peer";
    public const string Slicer = "slicer";
    public const string LimitData = "limit_data";
    public const string Down = "down";
    public const string ServerRestart = "server_restart";
    public const string ClientCrash = "client_crash";
    public const string RoomDelete = "room_delete";
    public const string MemberRemove = "member_remove";

    /// <summary>Toxiproxy toxics and the attribute names each accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Toxics = new Dictionary<string, string[]>
    {
        [Latency] = ["latency", "jitter"],
        [Bandwidth] = ["rate"],
        [SlowClose] = ["delay"],
        [Timeout] = ["timeout"],
        [ResetPeer] = ["timeout"],
        [Slicer] = ["average_size", "size_variation", "delay"],
        [LimitData] = ["bytes"],
    };

    /// <summary>Faults executed on a group proxy.</summary>
    public static readonly IReadOnlySet<string> Network = new HashSet<string>(Toxics.Keys) { Down };

    /// <summary>Faults the harness executes itself.</summary>
    public static readonly IReadOnlySet<string> Harness = new HashSet<string> { ServerRestart, ClientCrash, RoomDelete, MemberRemove };
}
