namespace ChatResilience.Chaos.Faults;

/// <summary>Pure: the ordered actions of a fault list.</summary>
public static class FaultTimeline
{
    /// <summary>
    /// Apply at Start, remove at Start + Duration (none when Duration is null: until the end). Ordered by
    /// time; at equal times removals come first (a fault ending as another starts never overlaps it), then
    /// by fault index, so the plan is a pure function of the list.
    /// </summary>
    public static IReadOnlyList<FaultAction> Build(IReadOnlyList<Fault> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var actions = new List<FaultAction>();
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            actions.Add(new FaultAction(fault.Start, FaultActionKind.Apply, i, fault));
            if (fault.Duration is { } duration)
            {
                actions.Add(new FaultAction(fault.Start + duration, FaultActionKind.Remove, i, fault));
            }
        }

        return actions
            .OrderBy(a => a.At)
            .ThenBy(a => a.Kind == FaultActionKind.Remove ? 0 : 1)
            .ThenBy(a => a.FaultIndex)
            .ToList();
    }
}
