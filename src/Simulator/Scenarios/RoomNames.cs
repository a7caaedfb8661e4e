namespace ChatResilience.Simulator.Scenarios;

/// <summary>The room names a scenario's room families generate: <c>{name}-{i}</c>, assistant rooms prefixed <c>assistant-</c>.</summary>
public static class RoomNames
{
    /// <summary>The prefix the server's assistant answers in (PROTOCOL.md §9).</summary>
    public const string AssistantPrefix = "assistant-";

    /// <summary>The name of room <paramref name="index"/> of a family.</summary>
    public static string For(RoomSpec family, int index)
    {
        ArgumentNullException.ThrowIfNull(family);
        var name = $"{family.Name}-{index}";
        return family.Assistant && !name.StartsWith(AssistantPrefix, StringComparison.Ordinal) ? AssistantPrefix + name : name;
    }

    /// <summary>Every room of every family, in order.</summary>
    public static IEnumerable<string> All(IEnumerable<RoomSpec> families) =>
        families.SelectMany(f => Enumerable.Range(0, Math.Max(0, f.Count)).Select(i => For(f, i)));
}
