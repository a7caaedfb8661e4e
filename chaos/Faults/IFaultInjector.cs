namespace ChatResilience.Chaos.Faults;

/// <summary>Injects faults described as data. One implementation serves real and embedded Toxiproxy.</summary>
public interface IFaultInjector
{
    /// <summary>Applies the fault now (its Start/Duration are the schedule's business, not the injector's).</summary>
    Task<IAppliedFault> ApplyAsync(Fault fault, CancellationToken cancellationToken = default);

    /// <summary>Removes every fault: all proxies enabled, all toxics removed.</summary>
    Task ResetAsync(CancellationToken cancellationToken = default);
}
