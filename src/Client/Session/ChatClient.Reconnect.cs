using ChatResilience.Client.Diagnostics;
using ChatResilience.Client.Session;
using ChatResilience.Client.Transport;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using Polly;
using Polly.Retry;

namespace ChatResilience.Client;

/// <summary>
/// The reconnect loop: Polly's retry strategy runs one connection per attempt and asks the close-code table
/// whether to go on; the client waits the <see cref="Reconnect.ReconnectDelayPolicy"/> delay on the injected clock
/// itself, armed before <c>OnReconnectScheduled</c> is raised.
/// </summary>
public sealed partial class ChatClient
{
    private int _failures;
    private CloseHistory _history;
    private volatile bool _waitingToRetry;
    private CancellationTokenSource? _executionCts;

    // The wait before the next attempt, armed in OnRetry before OnReconnectScheduled is raised and awaited by that
    // attempt: a handler that drives a fake clock from the event finds the wait's timer already there. Polly's own
    // delay (zero here) was armed only after OnRetry returned, so an Advance from the handler came too early and
    // the wait ran a whole delay past it.
    private Task? _retryWait;

    private ResiliencePipeline<SessionOutcome> BuildPipeline()
    {
        var retry = new RetryStrategyOptions<SessionOutcome>
        {
            // The give-up rule (MaxAttempts consecutive failures) lives in ShouldRetry, because a healthy
            // connection resets the count while Polly's own attempt number keeps growing.
            MaxRetryAttempts = int.MaxValue,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
            Delay = TimeSpan.Zero,
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
            OnRetry = args =>
            {
                _waitingToRetry = true;
                _metrics.Reconnect();
                var outcome = args.Outcome.Result!;
                var delay = DelayFor(outcome);
                Volatile.Write(ref _retryWait, delay > TimeSpan.Zero ? Task.Delay(delay, _time, args.Context.CancellationToken) : null);
                ClientLog.ReconnectScheduled(_logger, _options.ClientId, _failures, delay.TotalMilliseconds);
                RaiseReconnectScheduled(new ReconnectScheduled(delay, _failures, outcome.Reaction.Reason, outcome.Code));
                return default;
            },
        };
        return new ResiliencePipelineBuilder<SessionOutcome> { TimeProvider = _time }.AddRetry(retry).Build();
    }

    private bool ShouldRetry(Outcome<SessionOutcome> outcome) =>
        outcome.Result is { Reaction.Reconnects: true }
        && !_disposeCts.IsCancellationRequested
        && _state.Current != ConnectionState.Closed
        && (_options.Reconnect.MaxAttempts is not { } max || _failures <= max);

    private TimeSpan DelayFor(SessionOutcome outcome)
    {
        lock (_gate)
        {
            return outcome.Reaction.Action switch
            {
                CloseAction.Immediately or CloseAction.FreshToken => TimeSpan.Zero,
                CloseAction.AfterHint => _delayPolicy.NextDelay(_failures, _random, outcome.Reaction.Hint),
                _ => _delayPolicy.NextDelay(_failures, _random),
            };
        }
    }

    private async Task StartRunAsync()
    {
        await Task.Yield();
        await RunAsync();
    }

    private async Task RunAsync()
    {
        var ct = _disposeCts.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var execution = CancellationTokenSource.CreateLinkedTokenSource(ct);
                Volatile.Write(ref _executionCts, execution);
                SessionOutcome outcome;
                try
                {
                    outcome = await _pipeline.ExecuteAsync(static (client, t) => client.RunOnceAsync(t), this, execution.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The network came back while waiting: the next attempt starts now.
                    continue;
                }
                finally
                {
                    Volatile.Write(ref _executionCts, null);
                    Volatile.Write(ref _retryWait, null);
                    _waitingToRetry = false;
                }

                if (ct.IsCancellationRequested || _state.Current == ConnectionState.Closed)
                {
                    return;
                }

                if (outcome.Reaction.Action == CloseAction.Stop)
                {
                    return;
                }

                Terminate(outcome.Reaction.Reconnects ? $"gave up after {_failures} consecutive failed attempts" : outcome.Reaction.Reason, outcome.Code);
                return;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception e)
        {
            ClientLog.BackgroundFailed(_logger, _options.ClientId, "reconnect loop", e);
            Terminate("internal failure: " + e.Message, null);
        }
    }

    private async ValueTask<SessionOutcome> RunOnceAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _retryWait, null) is { } wait)
        {
            // Cancelled when the network comes back (OnNetworkChanged) or the client is disposed: RunAsync decides.
            await wait;
        }

        _waitingToRetry = false;
        ct.ThrowIfCancellationRequested();
        string token;
        IFrameConnection connection;
        try
        {
            token = await _tokenProvider(ct);
            connection = await _factory.ConnectAsync(_options.ServerUri, token, ct);
        }
        catch (ConnectRejectedException e)
        {
            ClientLog.ConnectFailed(_logger, _options.ClientId, e);
            var code = e.StatusCode switch
            {
                401 => CloseCodes.Unauthorized,
                503 => CloseCodes.Overloaded,
                _ => CloseInfo.AbnormalClosure,
            };
            return Finish(code, e.RetryAfter, welcomed: false, healthy: false, forced: null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            ClientLog.ConnectFailed(_logger, _options.ClientId, e);
            return Finish(CloseInfo.AbnormalClosure, null, welcomed: false, healthy: false, forced: null);
        }

        using var session = new ConnectionSession(connection, new FrameTranscoder(FrameLimits.Default, _options.Compression), ct);
        return await RunSessionAsync(session, token);
    }

    /// <summary>Applies the close-code table to an ended attempt and moves the state accordingly.</summary>
    private SessionOutcome Finish(int code, TimeSpan? hint, bool welcomed, bool healthy, CloseReaction? forced)
    {
        var reaction = forced ?? CloseReactionPolicy.Decide(code, hint, _history, welcomed);
        _history = new CloseHistory(code, welcomed);
        _failures = healthy ? 0 : _failures + 1;
        var current = _state.Current;
        if (current == ConnectionState.Closed || _disposeCts.IsCancellationRequested)
        {
            return new SessionOutcome(code, reaction, welcomed);
        }

        ClientLog.ConnectionEnded(_logger, _options.ClientId, code, reaction.Action, reaction.Reason);
        switch (reaction.Action)
        {
            case CloseAction.Stop:
                Transition(current, ConnectionState.Disconnected);
                break;
            case CloseAction.Terminal:
                Terminate(reaction.Reason, code);
                break;
            default:
                if (current != ConnectionState.Reconnecting)
                {
                    Transition(current, ConnectionState.Reconnecting);
                }

                break;
        }

        return new SessionOutcome(code, reaction, welcomed);
    }

    private void OnNetworkChanged(bool available)
    {
        if (!available || !_waitingToRetry)
        {
            return;
        }

        try
        {
            Volatile.Read(ref _executionCts)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The wait ended meanwhile.
        }
    }

    /// <summary>Moves to Closed for good and releases everyone waiting on this instance.</summary>
    private void Terminate(string reason, int? code)
    {
        Volatile.Write(ref _closeReason, reason);
        _closeCode = code;
        var previous = _state.Close();
        if (previous is null)
        {
            return;
        }

        if (reason != "disposed")
        {
            ClientLog.Terminal(_logger, _options.ClientId, reason);
        }

        RaiseStateChanged(previous.Value, ConnectionState.Closed);
        List<PendingSend> pending;
        List<TaskCompletionSource<Protocol.Frames.JoinedFrame>> joins;
        ConnectionSession? session;
        lock (_gate)
        {
            pending = [.. _pending.Values];
            joins = [.. _joinWaiters.Values];
            _joinWaiters.Clear();
            session = _session;
            _messages?.Writer.TryComplete();
        }

        var error = new ChatClientClosedException("the chat client closed: " + reason) { CloseCode = code };
        foreach (var p in pending)
        {
            p.Handle.Fail(error);
        }

        foreach (var join in joins)
        {
            join.TrySetException(error);
        }

        session?.Kill("client closed");
    }
}
