using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// The embedded server's logger provider: keeps its structured lines (level, category, event id, message) stamped on
/// the run clock, so a violation's slice can show what the server said at that moment. Bounded: a ring of
/// <see cref="ServerLogCaptureOptions.Capacity"/> lines, the oldest dropped first. One instance serves every server
/// incarnation of a run (restarts reuse it); thread-safe.
/// </summary>
internal sealed class ServerLogCapture : ILoggerProvider
{
    private const string ServerCategoryPrefix = "ChatResilience.";
    private readonly Func<long> _nowMs;
    private readonly ServerLogCaptureOptions _options;
    private readonly Queue<ServerLogLine> _lines = new();
    private readonly Lock _gate = new();
    private long _dropped;

    /// <param name="nowMs">The run clock (ms since the run started), e.g. the history recorder's.</param>
    /// <param name="options">Levels and capacity.</param>
    public ServerLogCapture(Func<long> nowMs, ServerLogCaptureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(nowMs);
        _options = options ?? new ServerLogCaptureOptions();
        if (_options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        _nowMs = nowMs;
    }

    /// <summary>Lines dropped because the ring was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The lines kept, oldest first.</summary>
    public IReadOnlyList<ServerLogLine> Snapshot()
    {
        lock (_gate)
        {
            // Stamped under the lock in arrival order, so already sorted by time.
            return [.. _lines];
        }
    }

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName,
        categoryName.StartsWith(ServerCategoryPrefix, StringComparison.Ordinal) ? _options.MinimumLevel : _options.FrameworkMinimumLevel);

    // The host's logger factory does not own this provider (it is reused across restarts): nothing to release.
    public void Dispose()
    {
    }

    private void Append(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        lock (_gate)
        {
            if (_lines.Count == _options.Capacity)
            {
                _lines.Dequeue();
                _dropped++;
            }

            _lines.Enqueue(new ServerLogLine
            {
                AtMs = _nowMs(),
                Level = level.ToString(),
                Category = category,
                EventId = eventId.Id,
                EventName = eventId.Name,
                Message = message,
                Exception = exception is null ? null : $"{exception.GetType().Name}: {exception.Message}",
            });
        }
    }

    private sealed class CaptureLogger(ServerLogCapture owner, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Append(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
