using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Runs the faults the harness performs itself (not a proxy's toxics) at their planned times, one after another,
/// and logs each outcome. Shared by the single-process runner and the sharded coordinator, which differ only in
/// what executing a fault means and in their clocks.
/// </summary>
internal static class HarnessFaultSchedule
{
    /// <param name="faults">The faults to run, in plan order.</param>
    /// <param name="delayUntil">Waits until a fault's <see cref="PlannedFault.StartMs"/> on the caller's workload clock.</param>
    /// <param name="execute">Performs one fault.</param>
    /// <param name="log">Receives "fault … ok|failed" lines (locked while adding: read by the report concurrently).</param>
    /// <param name="onFailure">Told why a fault failed; a fault that did not happen proves nothing, so the run fails as a harness failure.</param>
    /// <param name="ct">Stops the schedule (the run ended or was interrupted).</param>
    public static async Task RunAsync(
        IEnumerable<PlannedFault> faults,
        Func<long, CancellationToken, Task> delayUntil,
        Func<PlannedFault, CancellationToken, Task> execute,
        List<string> log,
        Action<string> onFailure,
        CancellationToken ct)
    {
        foreach (var f in faults)
        {
            await delayUntil(f.StartMs, ct);
            string outcome;
            try
            {
                await execute(f, ct);
                outcome = "ok";
            }
            catch (Exception e) when (e is HarnessException or HttpRequestException or IOException or InvalidOperationException)
            {
                outcome = "failed";
                onFailure($"fault {f.Id} ({f.Type}) failed: {e.Message}");
            }

            lock (log)
            {
                log.Add($"{f.Describe()} {outcome}");
            }
        }
    }
}
