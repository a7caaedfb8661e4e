namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>Wire names and attribute schemas of the toxic types (TOXIPROXY.md "Toxics").</summary>
internal static class ToxicKinds
{
    private static readonly (ToxicKind Kind, string Name, string[] Attributes)[] Table =
    [
        (ToxicKind.Latency, "latency", ["latency", "jitter"]),
        (ToxicKind.Bandwidth, "bandwidth", ["rate"]),
        (ToxicKind.SlowClose, "slow_close", ["delay"]),
        (ToxicKind.Timeout, "timeout", ["timeout"]),
        (ToxicKind.ResetPeer, "reset_peer", ["timeout"]),
        (ToxicKind.Slicer, "slicer", ["average_size", "size_variation", "delay"]),
        (ToxicKind.LimitData, "limit_data", ["bytes"]),
        (ToxicKind.Noop, "noop", []),
    ];

    /// <summary>Type names are matched exactly, as Toxiproxy's registry does.</summary>
    public static bool TryParse(string name, out ToxicKind kind)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row.Name, name, StringComparison.Ordinal))
            {
                kind = row.Kind;
                return true;
            }
        }

        kind = default;
        return false;
    }

    public static string WireName(ToxicKind kind) => Table[(int)kind].Name;

    public static IReadOnlyList<string> AttributeNames(ToxicKind kind) => Table[(int)kind].Attributes;

    public static string WireName(LinkDirection direction) =>
        direction == LinkDirection.Upstream ? "upstream" : "downstream";
}
