using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// The worker's side of the phase gates: the heartbeat loop fills in the coordinator's standing orders
/// (<see cref="OnCommand"/>) and the runner awaits them here.
/// </summary>
internal sealed class WorkerHooks(HttpClient http, Uri coordinator, int workerId, Func<double> localMs, Func<double> offsetMs, TimeProvider time) : IShardHooks
{
    private readonly TaskCompletionSource<long> _start = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IReadOnlyDictionary<string, long>> _targets = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnCommand(WorkerCommand command)
    {
        if (command.StartAtMs is { } at)
        {
            _start.TrySetResult(at);
        }

        if (command.QuiesceTargets is { } targets)
        {
            _targets.TrySetResult(targets);
        }
    }

    /// <summary>Called once when every client of this worker is connected and joined, before the start gate.</summary>
    public Action? OnClientsReady { get; init; }

    public async Task WaitForWorkloadStartAsync(CancellationToken cancellationToken)
    {
        OnClientsReady?.Invoke();
        var startAt = await _start.Task.WaitAsync(cancellationToken);

        // The coordinator's instant on this worker's clock.
        var wait = TimeSpan.FromMilliseconds(startAt - offsetMs() - localMs());
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> QuiesceTargetsAsync(QuiesceReport report, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri(coordinator, $"v1/workers/{workerId}/quiesce"), report, ShardingJsonContext.Default.QuiesceReport, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"coordinator refused the quiesce report: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return await _targets.Task.WaitAsync(cancellationToken);
    }
}
