using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Processing;

/// <summary>
/// A step on the message path (the seed's AI step): sees every committed message, in seq order per room,
/// and may post answers through <see cref="IProcessorHost"/>.
/// </summary>
public interface IMessageProcessor
{
    /// <summary>Called after each commit, in seq order per room. Must not block.</summary>
    void OnCommitted(StoredMessage message);

    /// <summary>Starts; a processor that must answer every message catches up on stored ones here.</summary>
    Task StartAsync(IProcessorHost host, CancellationToken cancellationToken = default);

    /// <summary>Stops and waits for work in progress.</summary>
    Task StopAsync(CancellationToken cancellationToken = default);
}

/// <summary>What the server offers a processor.</summary>
public interface IProcessorHost
{
    TimeProvider Time { get; }

    ChatServerOptions Options { get; }

    IMessageLog Log { get; }

    /// <summary>
    /// Posts an answer to room seq <paramref name="triggerSeq"/> of <paramref name="epoch"/> as an ordinary
    /// stored message, deduplicated by the trigger (an existing answer is returned as a duplicate).
    /// Null when the room or epoch is gone.
    /// </summary>
    Task<AppendResult?> AppendAnswerAsync(string room, long epoch, long triggerSeq, string body, CancellationToken cancellationToken = default);
}
