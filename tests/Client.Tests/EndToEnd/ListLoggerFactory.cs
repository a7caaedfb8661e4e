using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatResilience.Client.Tests.EndToEnd;

/// <summary>Collects log lines in memory so a failing test can print what the client did.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory, ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{eventId.Id} {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
}
