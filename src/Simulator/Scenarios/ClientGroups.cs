namespace ChatResilience.Simulator.Scenarios;

/// <summary>Maps client indexes to groups: contiguous blocks proportional to the groups' weights.</summary>
public static class ClientGroups
{
    /// <summary>The group used when a scenario declares none.</summary>
    public const string DefaultGroup = "all";

    /// <summary>The groups' names in declaration order.</summary>
    public static IReadOnlyList<string> Names(ClientsSpec clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return clients.Groups.Count == 0 ? [DefaultGroup] : [.. clients.Groups.Select(g => g.Name)];
    }

    /// <summary>The group of every client index (length = client count); every group gets at least one client when possible.</summary>
    public static IReadOnlyList<string> Assign(ClientsSpec clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var names = Names(clients);
        var weights = clients.Groups.Count == 0 ? [1.0] : clients.Groups.Select(g => g.Weight).ToArray();
        var total = weights.Sum();
        var result = new string[clients.Count];
        var start = 0;
        var cumulative = 0.0;
        for (var g = 0; g < names.Count; g++)
        {
            cumulative += weights[g];
            var end = g == names.Count - 1 ? clients.Count : (int)Math.Round(clients.Count * cumulative / total);
            end = Math.Clamp(Math.Max(end, start + 1), start, clients.Count);
            for (var i = start; i < end; i++)
            {
                result[i] = names[g];
            }

            start = end;
        }

        return result;
    }
}
