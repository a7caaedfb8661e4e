namespace ChatResilience.Chaos.Faults;

/// <summary>A fault (or fault file) that is not valid; <see cref="Problems"/> names each bad field.</summary>
public sealed class FaultValidationException(string context, IReadOnlyList<string> problems)
    : Exception($"invalid {context}: {string.Join("; ", problems)}")
{
    /// <summary>Each problem, prefixed by the JSON field it concerns.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
