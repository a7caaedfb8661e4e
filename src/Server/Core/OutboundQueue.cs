using ChatResilience.Protocol.Connections;

namespace ChatResilience.Server.Core;

/// <summary>
/// A connection's outbound frames: control frames (acks, nacks, pings, errors) in their own queue that the
/// writer always serves first, and <c>msg</c>-type frames in a queue bounded by count and bytes. Live
/// traffic that does not fit is refused (the caller closes 4409); replay waits for room instead, so a long
/// replay never counts as slow and memory per connection stays bounded.
/// </summary>
internal sealed class OutboundQueue(int maxMessages, long maxBytes, int maxControl)
{
    private readonly Lock _lock = new();
    private readonly Queue<WireMessage> _control = new();
    private readonly Queue<WireMessage> _messages = new();
    private readonly SemaphoreSlim _available = new(0, int.MaxValue);
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

    /// <summary>Queues a control frame; false when the control queue is full or the queue completed.</summary>
    public bool TryEnqueueControl(WireMessage message)
    {
        lock (_lock)
        {
            if (_completed || _control.Count >= maxControl)
            {
                return false;
            }

            _control.Enqueue(message);
        }

        _available.Release();
        return true;
    }

    /// <summary>Queues a live <c>msg</c>; false when the bounded queue is full (a slow consumer).</summary>
    public bool TryEnqueueLive(WireMessage message)
    {
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
        }

        _available.Release();
        return true;
    }

    /// <summary>Queues past the bound: frames that must follow what is already queued (joined, page, the seam).</summary>
    public void EnqueueForced(WireMessage message)
    {
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            AddMessage(message);
        }

        _available.Release();
    }

    /// <summary>Queues a replayed <c>msg</c>, waiting while the queue is full (flow control, never a slow-consumer close).</summary>
    public async ValueTask EnqueueReplayAsync(WireMessage message, CancellationToken cancellationToken)
    {
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
                    break;
                }

                _space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _space.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }

        _available.Release();
    }

    /// <summary>The next frame to write, control first; null once completed and drained.</summary>
    public async ValueTask<WireMessage?> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken);
            TaskCompletionSource? space = null;
            lock (_lock)
            {
                if (_control.TryDequeue(out var control))
                {
                    return control;
                }

                if (_messages.TryDequeue(out var message))
                {
                    _bytes -= message.Payload.Length;
                    space = _space;
                    _space = null;
                    space?.TrySetResult();
                    return message;
                }

                if (_completed)
                {
                    return null;
                }
            }
        }
    }

    /// <summary>Stops accepting frames and wakes every waiter; the writer drains what is queued.</summary>
    public void Complete()
    {
        TaskCompletionSource? space;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            space = _space;
            _space = null;
        }

        space?.TrySetResult();
        _available.Release();
    }

    private void AddMessage(WireMessage message)
    {
        _messages.Enqueue(message);
        _bytes += message.Payload.Length;
    }
}
