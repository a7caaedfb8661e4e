using System.Threading.Tasks.Sources;
using ChatResilience.Protocol.Connections;

namespace ChatResilience.Server.Core;

/// <summary>
/// A connection's outbound frames: control frames (acks, nacks, pings, errors) in their own queue that the
/// writer always serves first, and <c>msg</c>-type frames in a queue bounded by count and bytes. Live
/// traffic that does not fit is refused (the caller closes 4409); replay waits for room instead, so a long
/// replay never counts as slow and memory per connection stays bounded.
/// </summary>
/// <remarks>
/// One writer waits in <see cref="DequeueAsync"/>. How it is woken is on the hot path of every send: a control
/// frame (the ack) wakes it inline, so the thread that settled the send writes the ack itself, as an echo
/// server does, instead of handing it to another thread-pool thread. Live and forced frames come from the
/// room's publish, under the room lock and possibly on the log's commit thread, so they wake the writer
/// through the thread pool: socket writes never run under a room lock or on the commit thread. Replayed
/// frames do too: the replay queues a batch at a time and one woken writer drains it, rather than the
/// replay and the writer taking turns frame by frame. The one exception is a sender's own <c>msg</c> in a room
/// it shares, published while its send settles on its own receive thread (a log that commits synchronously):
/// that wake is deferred to the ack queued right after, which wakes inline, so the receive thread writes both
/// frames instead of the ack waiting behind the room's fan-out (see ChatSession's t_settling).
/// </remarks>
internal sealed class OutboundQueue(int maxMessages, long maxBytes, int maxControl) : IValueTaskSource, IThreadPoolWorkItem
{
    private readonly Lock _lock = new();
    private readonly Queue<WireMessage> _control = new();
    private readonly Queue<WireMessage> _messages = new();
    private ManualResetValueTaskSourceCore<bool> _wake; // RunContinuationsAsynchronously false: an inline wake runs the writer here
    private bool _writerWaiting;
    private bool _wakeDeferred; // a frame waits while the writer stays parked: its owner wakes it inline (TryEnqueueLive)
    private TaskCompletionSource? _space;
    private long _bytes;
    private bool _completed;

    public int MessageCount
    {
        get
        {
            lock (_lock)
            {
                return _messages.Count;
            }
        }
    }

    public long MessageBytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public int ControlCount
    {
        get
        {
            lock (_lock)
            {
                return _control.Count;
            }
        }
    }

    /// <summary>Whether the writer is waiting in <see cref="DequeueAsync"/> for a frame (for tests and diagnostics).</summary>
    public bool WriterParked
    {
        get
        {
            lock (_lock)
            {
                return _writerWaiting;
            }
        }
    }

    /// <summary>Queues a control frame; false when the control queue is full or the queue completed. Wakes the writer inline.</summary>
    public bool TryEnqueueControl(WireMessage message)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed || _control.Count >= maxControl)
            {
                return false;
            }

            _control.Enqueue(message);
            wake = TakeWaiter();
        }

        Wake(wake, inline: true);
        return true;
    }

    /// <summary>
    /// Queues a live <c>msg</c>; false when the bounded queue is full (a slow consumer). Safe under a room lock.
    /// With <paramref name="deferWake"/> a parked writer stays parked: the caller promises to wake it inline soon,
    /// by queuing a control frame or with <see cref="FlushDeferredWake"/>, once it holds no lock.
    /// </summary>
    public bool TryEnqueueLive(WireMessage message, bool deferWake = false)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return true;
            }

            if (_messages.Count >= maxMessages || _bytes + message.Payload.Length > maxBytes)
            {
                return false;
            }

            AddMessage(message);
            if (deferWake && _writerWaiting)
            {
                _wakeDeferred = true;
                return true;
            }

            wake = TakeWaiter();
        }

        Wake(wake, inline: false);
        return true;
    }

    /// <summary>Wakes the writer inline if a frame queued with a deferred wake still waits for it. Not under a lock.</summary>
    public void FlushDeferredWake()
    {
        // Only the deferring thread sets the flag, and it is that thread that flushes: unset, there is nothing to do
        // (read without the lock, as every settle ends here; another thread may only have cleared it).
        if (!Volatile.Read(ref _wakeDeferred))
        {
            return;
        }

        bool wake;
        lock (_lock)
        {
            if (!_wakeDeferred)
            {
                return;
            }

            wake = TakeWaiter();
        }

        Wake(wake, inline: true);
    }

    /// <summary>Queues past the bound: frames that must follow what is already queued (joined, page, the seam). Safe under a room lock.</summary>
    public void EnqueueForced(WireMessage message)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            AddMessage(message);
            wake = TakeWaiter();
        }

        Wake(wake, inline: false);
    }

    /// <summary>Queues a replayed <c>msg</c>, waiting while the queue is full (flow control, never a slow-consumer close).</summary>
    public async ValueTask EnqueueReplayAsync(WireMessage message, CancellationToken cancellationToken)
    {
        bool wake;
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_completed)
                {
                    return;
                }

                // An empty queue always takes one frame, so a frame larger than the byte bound cannot stall.
                if (_messages.Count == 0 || (_messages.Count < maxMessages && _bytes + message.Payload.Length <= maxBytes))
                {
                    AddMessage(message);
                    wake = TakeWaiter();
                    break;
                }

                _space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _space.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }

        Wake(wake, inline: false);
    }

    /// <summary>The next frame to write, control first; null once completed and drained. One caller at a time.</summary>
    public ValueTask<WireMessage?> DequeueAsync()
    {
        lock (_lock)
        {
            if (TryTake(out var message))
            {
                return new ValueTask<WireMessage?>(message);
            }

            if (_completed)
            {
                return new ValueTask<WireMessage?>((WireMessage?)null);
            }

            _writerWaiting = true;
            _wake.Reset();
        }

        return WaitThenTakeAsync(_wake.Version);
    }

    /// <summary>Stops accepting frames and wakes every waiter; the writer drains what is queued.</summary>
    public void Complete()
    {
        TaskCompletionSource? space;
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            space = _space;
            _space = null;
            wake = TakeWaiter();
        }

        space?.TrySetResult();
        Wake(wake, inline: false);
    }

    void IValueTaskSource.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);

    private async ValueTask<WireMessage?> WaitThenTakeAsync(short version)
    {
        while (true)
        {
            await new ValueTask(this, version);
            lock (_lock)
            {
                if (TryTake(out var message))
                {
                    return message;
                }

                if (_completed)
                {
                    return null;
                }

                _writerWaiting = true;
                _wake.Reset();
                version = _wake.Version;
            }
        }
    }

    /// <summary>Under the lock: whether the writer is parked and must be woken (once) by this caller.</summary>
    private bool TakeWaiter()
    {
        var waiting = _writerWaiting;
        _writerWaiting = false;
        _wakeDeferred = false;
        return waiting;
    }

    private void Wake(bool wake, bool inline)
    {
        if (!wake)
        {
            return;
        }

        if (inline)
        {
            _wake.SetResult(true);
        }
        else
        {
            // The queue is its own work item: at most one wake is pending (TakeWaiter hands it out once per park), and
            // a delegate with state allocated a work item per wake, 1,000 per message in a broadcast to 1,000 members.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    /// <summary>The thread-pool wake: runs the parked writer's continuation on this thread.</summary>
    void IThreadPoolWorkItem.Execute() => _wake.SetResult(true);

    private bool TryTake(out WireMessage message)
    {
        if (_control.TryDequeue(out message))
        {
            return true;
        }

        if (_messages.TryDequeue(out message))
        {
            _bytes -= message.Payload.Length;
            var space = _space;
            _space = null;
            space?.TrySetResult();
            return true;
        }

        return false;
    }

    private void AddMessage(WireMessage message)
    {
        _messages.Enqueue(message);
        _bytes += message.Payload.Length;
    }
}
