namespace ChatResilience.Chaos.Faults;

/// <summary>
/// Applies and removes faults at their times on the injected <see cref="TimeProvider"/>, and records
/// every action executed (<see cref="Executed"/>) so a run can hash the fault actions that really happened.
/// A failing action is recorded with its error and the schedule goes on.
/// </summary>
public sealed class FaultSchedule
{
    private readonly IFaultInjector _injector;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<int, IAppliedFault> _active = [];
    private readonly List<ExecutedFaultAction> _executed = [];
    private readonly Lock _sync = new();
    private long _startTimestamp;

    /// <summary>Creates a schedule; every fault is validated (throws <see cref="FaultValidationException"/>).</summary>
    public FaultSchedule(IReadOnlyList<Fault> faults, IFaultInjector injector, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(injector);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var problems = faults.SelectMany((f, i) => f.Validate().Select(p => $"[{i}] {f.Type}.{p}")).ToList();
        if (problems.Count > 0)
        {
            throw new FaultValidationException("fault schedule", problems);
        }

        Faults = faults;
        Plan = FaultTimeline.Build(faults);
        _injector = injector;
        _timeProvider = timeProvider;
    }

    /// <summary>The faults, in the order given.</summary>
    public IReadOnlyList<Fault> Faults { get; }

    /// <summary>The planned actions (see <see cref="FaultTimeline.Build"/>).</summary>
    public IReadOnlyList<FaultAction> Plan { get; }

    /// <summary>Actions executed so far, in execution order.</summary>
    public IReadOnlyList<ExecutedFaultAction> Executed
    {
        get
        {
            lock (_sync)
            {
                return _executed.ToList();
            }
        }
    }

    /// <summary>
    /// Runs the plan from now (time zero) until its last action. Faults without a duration stay applied;
    /// call <see cref="RemoveActiveAsync"/> at the end of the run.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        _startTimestamp = _timeProvider.GetTimestamp();
        foreach (var action in Plan)
        {
            var wait = action.At - _timeProvider.GetElapsedTime(_startTimestamp);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timeProvider, cancellationToken);
            }

            await ExecuteAsync(action, cancellationToken);
        }
    }

    /// <summary>Removes every fault still applied (end of run), recording each removal.</summary>
    public async Task RemoveActiveAsync(CancellationToken cancellationToken = default)
    {
        List<int> indexes;
        lock (_sync)
        {
            indexes = _active.Keys.Order().ToList();
        }

        var now = _timeProvider.GetElapsedTime(_startTimestamp);
        foreach (var index in indexes)
        {
            await ExecuteAsync(new FaultAction(now, FaultActionKind.Remove, index, Faults[index]), cancellationToken);
        }
    }

    private async Task ExecuteAsync(FaultAction action, CancellationToken cancellationToken)
    {
        string? error = null;
        try
        {
            if (action.Kind == FaultActionKind.Apply)
            {
                var applied = await _injector.ApplyAsync(action.Fault, cancellationToken);
                lock (_sync)
                {
                    _active[action.FaultIndex] = applied;
                }
            }
            else
            {
                IAppliedFault? applied;
                lock (_sync)
                {
                    _active.Remove(action.FaultIndex, out applied);
                }

                if (applied is null)
                {
                    error = "not applied";
                }
                else
                {
                    await applied.RemoveAsync(cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Recorded, not thrown: a fault that cannot be applied is part of the run's story.
            error = ex.Message;
        }

        var record = new ExecutedFaultAction(action.At, _timeProvider.GetElapsedTime(_startTimestamp), action.Kind, action.FaultIndex, action.Fault, error);
        lock (_sync)
        {
            _executed.Add(record);
        }
    }
}
