using ChatResilience.Client.Transport;
using ChatResilience.Protocol.Connections;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// The connection factory the harness injects into each virtual client: it timestamps every attempt itself
/// (so a client that lies about its backoff is caught), wraps live connections to record closes and nacks,
/// fails attempts while the device is offline, and can drop the live connection (offline start, crash).
/// </summary>
internal sealed class HarnessConnectionFactory : IFrameConnectionFactory
{
    private readonly IFrameConnectionFactory _inner;
    private readonly string _clientId;
    private readonly IHistoryRecorder _recorder;
    private readonly RunCounters _counters;
    private readonly Lock _gate = new();
    private RecordingFrameConnection? _live;
    private long? _pendingHint;
    private bool _offline;
    private bool _dead;

    public HarnessConnectionFactory(IFrameConnectionFactory inner, string clientId, IHistoryRecorder recorder, RunCounters counters, bool offline)
    {
        _inner = inner;
        _clientId = clientId;
        _recorder = recorder;
        _counters = counters;
        _offline = offline;
    }

    public async Task<IFrameConnection> ConnectAsync(Uri uri, string? bearerToken, CancellationToken cancellationToken)
    {
        var startedAt = _recorder.NowMs;
        long? hint;
        bool refuse;
        lock (_gate)
        {
            hint = _pendingHint;
            _pendingHint = null;
            refuse = _offline || _dead;
        }

        _counters.AddConnectAttempt();
        if (refuse)
        {
            Record(startedAt, "failed", hint);
            throw new IOException("network unreachable (simulated offline device)");
        }

        IFrameConnection connection;
        try
        {
            connection = await _inner.ConnectAsync(uri, bearerToken, cancellationToken);
        }
        catch (ConnectRejectedException e)
        {
            Record(startedAt, $"rejected:{e.StatusCode}", hint);
            lock (_gate)
            {
                _pendingHint = e.RetryAfter is { } r ? (long)r.TotalMilliseconds : null;
            }

            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Record(startedAt, "failed", hint);
            throw;
        }

        // The attempt counts as connected at the welcome (the session exists), not at the upgrade: a
        // socket that dies before the welcome is a failed attempt, for the client and for the checkers.
        var wrapped = new RecordingFrameConnection(connection, _clientId, _recorder, OnClosed, established => Record(startedAt, established ? "connected" : "failed", hint));
        bool abort;
        lock (_gate)
        {
            abort = _offline || _dead;
            _live = abort ? null : wrapped;
        }

        if (abort)
        {
            // The device went offline while the handshake was in flight.
            await wrapped.AbortAsync("offline");
            throw new IOException("network unreachable (simulated offline device)");
        }

        return wrapped;
    }

    /// <summary>Takes the device offline (dropping its connection) or back online.</summary>
    public async ValueTask SetOfflineAsync(bool offline)
    {
        RecordingFrameConnection? live;
        lock (_gate)
        {
            _offline = offline;
            live = offline ? _live : null;
            if (offline)
            {
                _live = null;
            }
        }

        if (live is not null)
        {
            await live.AbortAsync("offline");
        }
    }

    /// <summary>The process died: drop the connection and refuse every later attempt of this instance.</summary>
    public async ValueTask KillAsync()
    {
        RecordingFrameConnection? live;
        lock (_gate)
        {
            _dead = true;
            live = _live;
            _live = null;
        }

        if (live is not null)
        {
            await live.AbortAsync("client crashed");
        }
    }

    private void OnClosed(long? hint)
    {
        lock (_gate)
        {
            _pendingHint = hint;
        }
    }

    private void Record(long startedAt, string outcome, long? hint) =>
        _recorder.Record(new ConnectAttemptEvent
        {
            AtMs = _recorder.NowMs,
            StartedAtMs = startedAt,
            ClientId = _clientId,
            Outcome = outcome,
            HintMs = hint,
        });
}
