
namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>The one place a task is started without being awaited: failures are observed and logged.</summary>
internal static class BackgroundTask
{
    public static void Observe(Task task, ILogger logger, string proxyName) =>
        _ = task.ContinueWith(
            static (t, state) =>
            {
                var (logger, name) = ((ILogger, string))state!;
                ProxyLog.ConnectionFailed(logger, t.Exception!, name);
            },
            (logger, proxyName),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
