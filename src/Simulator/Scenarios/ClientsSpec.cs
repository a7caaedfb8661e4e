namespace ChatResilience.Simulator.Scenarios;

/// <summary>How many virtual clients run and how they are split into groups.</summary>
public sealed record ClientsSpec
{
    /// <summary>Number of virtual clients. Default: 10.</summary>
    public int Count { get; init; } = 10;

    /// <summary>
    /// Groups, each behind its own fault proxy, so a fault targets exactly one group. Clients are assigned in
    /// contiguous blocks proportional to <see cref="ClientGroupSpec.Weight"/>. Default: one group named <c>all</c>.
    /// </summary>
    public IReadOnlyList<ClientGroupSpec> Groups { get; init; } = [];
}

/// <summary>One client group (one proxy).</summary>
public sealed record ClientGroupSpec
{
    /// <summary>Group and proxy name, <c>[a-z0-9-]{1,32}</c>. Required.</summary>
    public string Name { get; init; } = "";

    /// <summary>Relative share of the clients. Default: 1.</summary>
    public double Weight { get; init; } = 1;
}
