namespace ChatResilience.Simulator.Sharding;

/// <summary>Probes the coordinator's clock several times and estimates the offset (<see cref="ClockOffset.Estimate"/>).</summary>
internal static class ClockSync
{
    /// <summary>Probes sent per estimate. Default 8.</summary>
    public const int DefaultSamples = 8;

    /// <param name="localMs">The worker's own clock, ms.</param>
    /// <param name="fetchCoordinatorMs">One probe: asks the coordinator for its clock, ms.</param>
    /// <param name="samples">How many probes.</param>
    /// <param name="cancellationToken">Stops probing.</param>
    public static async Task<ClockOffset> MeasureAsync(Func<double> localMs, Func<CancellationToken, Task<double>> fetchCoordinatorMs, int samples = DefaultSamples, CancellationToken cancellationToken = default)
    {
        var list = new List<ClockSample>(samples);
        for (var i = 0; i < samples; i++)
        {
            var sent = localMs();
            var coordinator = await fetchCoordinatorMs(cancellationToken);
            list.Add(new ClockSample(sent, coordinator, localMs()));
        }

        return ClockOffset.Estimate(list);
    }
}
