using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ChatResilience.Client.Diagnostics;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Client;

/// <summary>Typed events and async streams. Handlers run on the receive path: keep them short; exceptions are logged.</summary>
public sealed partial class ChatClient
{
    private Channel<MsgFrame>? _messages;

    /// <summary>A new message, in room order, never one already held.</summary>
    public event Action<MsgFrame>? OnMessage;

    /// <summary>Every <c>ack</c> of one of this client's sends.</summary>
    public event Action<AckFrame>? OnAck;

    /// <summary>Every <c>nack</c>, retryable or final.</summary>
    public event Action<NackFrame>? OnNack;

    /// <summary>A send finally refused (its handle fails with <see cref="SendFailedException"/>).</summary>
    public event Action<SendFailure>? OnFailed;

    /// <summary>A room's membership is live (after join or resume).</summary>
    public event Action<JoinedFrame>? OnJoined;

    /// <summary>Membership ended (<c>left</c>: by another device, removed, room deleted).</summary>
    public event Action<RoomLeft>? OnLeft;

    /// <summary>Messages past retention that will never arrive (<c>recovered:false</c>).</summary>
    public event Action<RoomGap>? OnGap;

    /// <summary>The room was reset (recreated, or the cursor was ahead): what follows is the truth.</summary>
    public event Action<RoomReset>? OnReset;

    /// <summary>A provisional (outbox) message got its canonical room place on <c>ack</c>.</summary>
    public event Action<ProvisionalMove>? OnProvisionalMoved;

    /// <summary>The connection state changed (the new state).</summary>
    public event Action<ConnectionState>? OnStateChanged;

    /// <summary>A reconnect attempt was scheduled.</summary>
    public event Action<ReconnectScheduled>? OnReconnectScheduled;

    /// <summary>
    /// Messages as an async stream (bounded by <see cref="ChatClientOptions.MessageBufferCapacity"/>). The buffer
    /// is created on first access; while it is full the client stops reading the socket (the server may then
    /// close 4409 and the client resumes from its cursor). Ends when the client closes.
    /// </summary>
    public IAsyncEnumerable<MsgFrame> Messages
    {
        get
        {
            lock (_gate)
            {
                _messages ??= Channel.CreateBounded<MsgFrame>(new BoundedChannelOptions(_options.MessageBufferCapacity)
                {
                    SingleReader = false,
                    SingleWriter = true,
                    FullMode = BoundedChannelFullMode.Wait,
                });
                if (_state.Current == ConnectionState.Closed)
                {
                    _messages.Writer.TryComplete();
                }

                return _messages.Reader.ReadAllAsync();
            }
        }
    }

    /// <summary>The current state, then every change, until Closed or cancellation.</summary>
    public async IAsyncEnumerable<ConnectionState> StateChanges([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<ConnectionState>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        void Handler(ConnectionState s)
        {
            channel.Writer.TryWrite(s);
            if (s == ConnectionState.Closed)
            {
                channel.Writer.TryComplete();
            }
        }

        OnStateChanged += Handler;
        try
        {
            Handler(_state.Current);
            await foreach (var state in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return state;
            }
        }
        finally
        {
            OnStateChanged -= Handler;
        }
    }

    private void RaiseStateChanged(ConnectionState from, ConnectionState to)
    {
        ClientLog.StateChanged(_logger, _options.ClientId, from, to);
        Raise(OnStateChanged, to, nameof(OnStateChanged));
    }

    private bool Transition(ConnectionState expected, ConnectionState next)
    {
        if (_state.Transition(expected, next))
        {
            RaiseStateChanged(expected, next);
            return true;
        }

        ClientLog.TransitionRefused(_logger, _options.ClientId, expected, next, _state.Current);
        return false;
    }

    private async ValueTask DeliverAsync(List<MsgFrame> messages, CancellationToken cancellationToken)
    {
        Channel<MsgFrame>? channel;
        lock (_gate)
        {
            channel = _messages;
        }

        foreach (var msg in messages)
        {
            Raise(OnMessage, msg, nameof(OnMessage));
            if (channel is not null)
            {
                await channel.Writer.WriteAsync(msg, cancellationToken);
            }
        }
    }

    private void Raise<T>(Action<T>? handler, T value, string name)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(value);
        }
        catch (Exception e)
        {
            ClientLog.HandlerFailed(_logger, _options.ClientId, name, e);
        }
    }

    private void RaiseAck(AckFrame ack) => Raise(OnAck, ack, nameof(OnAck));

    private void RaiseNack(NackFrame nack) => Raise(OnNack, nack, nameof(OnNack));

    private void RaiseFailed(SendFailure failure) => Raise(OnFailed, failure, nameof(OnFailed));

    private void RaiseJoined(JoinedFrame joined) => Raise(OnJoined, joined, nameof(OnJoined));

    private void RaiseLeft(RoomLeft left) => Raise(OnLeft, left, nameof(OnLeft));

    private void RaiseGap(RoomGap gap) => Raise(OnGap, gap, nameof(OnGap));

    private void RaiseReset(RoomReset reset) => Raise(OnReset, reset, nameof(OnReset));

    private void RaiseProvisionalMoved(ProvisionalMove move) => Raise(OnProvisionalMoved, move, nameof(OnProvisionalMoved));

    private void RaiseReconnectScheduled(ReconnectScheduled scheduled) => Raise(OnReconnectScheduled, scheduled, nameof(OnReconnectScheduled));
}
