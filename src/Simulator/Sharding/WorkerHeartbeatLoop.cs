using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// Heartbeats every interval with the runner's phase, counters and this process's resource use, and applies the
/// coordinator's standing orders. An abort order cancels the run; a coordinator unreachable for
/// <see cref="ShardWorker.LostAfter"/> cancels it too (nobody would collect the results).
/// </summary>
internal sealed class WorkerHeartbeatLoop(
    HttpClient http, Uri coordinator, WorkerAssignment assignment, SimulationRunner runner, ProcessUsage usage, WorkerHooks hooks, CancellationTokenSource run, TimeProvider time)
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _phase;
    private volatile string? _abort;

    /// <summary>Overrides the runner's phase once it has finished (uploading, done).</summary>
    public string? Phase
    {
        get => _phase;
        set => _phase = value;
    }

    /// <summary>Why the coordinator aborted the run, if it did.</summary>
    public string? Abort => _abort;

    /// <summary>Completes when the coordinator orders the stop.</summary>
    public Task Stopped => _stopped.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(assignment.HeartbeatIntervalMs);
        var lastOk = time.GetTimestamp();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var command = await BeatAsync(cancellationToken);
                    lastOk = time.GetTimestamp();
                    hooks.OnCommand(command);
                    if (command.Abort is { } abort && _abort is null)
                    {
                        _abort = "coordinator aborted the run: " + abort;
                        await run.CancelAsync();
                    }

                    if (command.Stop)
                    {
                        _stopped.TrySetResult();
                    }
                }
                catch (Exception e) when (e is HttpRequestException or HarnessException or System.Text.Json.JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    if (time.GetElapsedTime(lastOk) > ShardWorker.LostAfter && _abort is null)
                    {
                        _abort = $"coordinator unreachable for {ShardWorker.LostAfter.TotalSeconds:0} s: {e.Message}";
                        await run.CancelAsync();
                        _stopped.TrySetResult();
                    }
                }

                await Task.Delay(interval, time, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the worker.
        }
    }

    private async Task<WorkerCommand> BeatAsync(CancellationToken cancellationToken)
    {
        usage.Sample();
        var p = runner.CurrentProgress();
        var body = new WorkerHeartbeat
        {
            Phase = _phase ?? p.Phase,
            Clients = p.Clients,
            Connected = p.Connected,
            Sent = p.Sent,
            Acked = p.Acked,
            Delivered = p.Delivered,
            Failed = p.Failed,
            Reconnects = p.Reconnects,
            OutboxDepth = p.OutboxDepth,
            RssBytes = usage.RssBytes,
            OpenFiles = usage.OpenFiles,
        };
        using var response = await http.PostAsJsonAsync(new Uri(coordinator, $"v1/workers/{assignment.WorkerId}/heartbeat"), body, ShardingJsonContext.Default.WorkerHeartbeat, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"heartbeat answered {(int)response.StatusCode}");
        }

        return await response.Content.ReadFromJsonAsync(ShardingJsonContext.Default.WorkerCommand, cancellationToken) ?? new WorkerCommand();
    }
}
