namespace ChatResilience.Chaos.Tests.Support;

/// <summary>Time bounds so a hang fails the test instead of blocking the run.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public static Task WithinLimit(this Task task) => task.WaitAsync(Limit, TimeProvider.System);

    public static Task<T> WithinLimit<T>(this Task<T> task) => task.WaitAsync(Limit, TimeProvider.System);

    public static CancellationToken Token() => new CancellationTokenSource(Limit, TimeProvider.System).Token;

    /// <summary>Polls a condition (bounded) for state changed by another thread.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(start) > Limit)
            {
                throw new TimeoutException("timed out waiting until " + what);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }
}
