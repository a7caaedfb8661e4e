using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ChatResilience.Server.Tests.Core;

/// <summary>
/// A shutdown that starts while a welcomed session's thread has not yet returned from its first synchronous stretch
/// (its hello was already buffered, so nothing in the handshake yielded) still closes that session with 1001.
/// Seen on a real server under CPU contention: the shutdown logged "closing 0 sessions" while a client held its
/// welcome, and the client never got a close, because the core tracked a session only once its run first yielded.
/// </summary>
public sealed class ShutdownRaceTests
{
    [Fact]
    public async Task ShutdownDuringTheHandshakesSynchronousStretch_StillClosesTheWelcomedSession1001()
    {
        using var snapshotTaken = new ManualResetEventSlim();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new EventProvider(ShuttingDownEventId, snapshotTaken)));
        await using var h = new CoreHarness(loggerFactory: loggers);
        var (client, server) = InMemoryFrameConnection.CreatePair(1024);
        var c = new TestClient(client, Task.CompletedTask, "u1", "c1");
        await c.SendAsync(new HelloFrame { ClientId = "c1", Token = "ok:u1" });

        Task? shutdown = null;
        var hooked = new HookOnSecondReceive(server, () =>
        {
            // The session has been welcomed and is asking for its next frame, still on this (the caller's) thread.
            // Hold it here until the shutdown has counted the sessions it will close, as a descheduled thread would.
            shutdown = h.Core.ShutdownAsync();
            Assert.True(snapshotTaken.Wait(TestClient.Timeout), "the shutdown never counted its sessions");
        });
        var run = h.Core.RunConnectionAsync(hooked);

        Assert.NotNull(shutdown);
        await c.ExpectAsync<WelcomeFrame>();
        var (close, _) = await c.ExpectClosedAsync();
        Assert.Equal(CloseCodes.GoingAway, close.Code);
        await run.WaitAsync(TestClient.Timeout);
    }

    private const int ShuttingDownEventId = 1014;

    /// <summary>Runs <paramref name="hook"/> synchronously inside the session's second receive (its first after the handshake).</summary>
    private sealed class HookOnSecondReceive(IFrameConnection inner, Action hook) : IFrameConnection
    {
        private int _receives;

        public CloseInfo? CloseInfo => inner.CloseInfo;

        public ValueTask SendAsync(WireMessage message, CancellationToken cancellationToken = default) => inner.SendAsync(message, cancellationToken);

        public ValueTask<WireMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _receives) == 2)
            {
                hook();
            }

            return inner.ReceiveAsync(cancellationToken);
        }

        public ValueTask CloseAsync(int code, string? reason, CancellationToken cancellationToken = default) => inner.CloseAsync(code, reason, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>Sets <paramref name="logged"/> when an event with <paramref name="eventId"/> is logged.</summary>
    private sealed class EventProvider(int eventId, ManualResetEventSlim logged) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (id.Id == eventId)
            {
                logged.Set();
            }
        }

        public void Dispose()
        {
        }
    }
}
