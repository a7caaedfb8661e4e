namespace ChatResilience.Chaos.Faults;

/// <summary>A fault in effect; removing it undoes exactly what applying it did.</summary>
public interface IAppliedFault
{
    /// <summary>The fault applied.</summary>
    Fault Fault { get; }

    /// <summary>Removes the fault (idempotent: removing twice, or after a reset, is not an error).</summary>
    Task RemoveAsync(CancellationToken cancellationToken = default);
}
