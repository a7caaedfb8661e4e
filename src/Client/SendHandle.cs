namespace ChatResilience.Client;

/// <summary>
/// A message durably in the outbox. <see cref="Completion"/> completes on <c>ack</c>, fails with
/// <see cref="SendFailedException"/> on a final <c>nack</c>, and with <see cref="ChatClientClosedException"/>
/// if this client instance closes first (the entry then stays in the store and a new instance replays it).
/// </summary>
public sealed class SendHandle
{
    private readonly TaskCompletionSource<SendResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SendHandle(string id, long seq, string room, bool composedOffline)
    {
        Id = id;
        Seq = seq;
        Room = room;
        ComposedOffline = composedOffline;
    }

    /// <summary>The message id.</summary>
    public string Id { get; }

    /// <summary>The client seq: the message's provisional place in this client's order.</summary>
    public long Seq { get; }

    /// <summary>The target room.</summary>
    public string Room { get; }

    /// <summary>True when composed while not connected (shown provisionally until acked).</summary>
    public bool ComposedOffline { get; }

    /// <summary>Settles with the outcome; see the type's remarks.</summary>
    public Task<SendResult> Completion => _completion.Task;

    internal void Succeed(SendResult result) => _completion.TrySetResult(result);

    internal void Fail(Exception error) => _completion.TrySetException(error);
}
