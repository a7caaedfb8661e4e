namespace ChatResilience.Simulator.Load;

/// <summary>
/// Starts connections on a <see cref="RampSchedule"/>: waits on the injected clock until each one's instant and
/// starts it without waiting for the previous one (an open-loop ramp: a slow server makes connects pile up, it does
/// not slow the ramp down — that is what a capacity test must see). Returns every started task.
/// </summary>
public sealed class RampDriver(RampSchedule schedule, TimeProvider time)
{
    /// <summary>
    /// Runs the ramp from now, or from <paramref name="began"/> (a timestamp of the clock) when given. <paramref name="start"/>
    /// gets the connection index and must not block; its task is collected, not awaited. With <paramref name="include"/>
    /// only those indexes start (one load process's share of a ramp), each at its own instant of the whole ramp.
    /// </summary>
    public async Task<IReadOnlyList<Task>> RunAsync(Func<int, Task> start, CancellationToken cancellationToken = default, long? began = null, Func<int, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        var origin = began ?? time.GetTimestamp();
        var started = new List<Task>(schedule.Target);
        for (var i = 0; i < schedule.Target; i++)
        {
            if (include is not null && !include(i))
            {
                continue;
            }

            var wait = schedule.StartOffset(i) - time.GetElapsedTime(origin);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            started.Add(start(i));
        }

        return started;
    }
}
