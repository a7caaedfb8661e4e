using ChatResilience.Server.Processing;
using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Core;

/// <summary>The processor host: answers go through the log like any message, deduplicated by trigger.</summary>
public sealed partial class ChatServerCore
{
    TimeProvider IProcessorHost.Time => Time;

    ChatServerOptions IProcessorHost.Options => Options;

    IMessageLog IProcessorHost.Log => Log;

    async Task<AppendResult?> IProcessorHost.AppendAnswerAsync(string room, long epoch, long triggerSeq, string body, CancellationToken cancellationToken)
    {
        var hub = await GetHubAsync(room, create: false, cancellationToken);
        if (hub is null || hub.Epoch != epoch)
        {
            return null;
        }

        ValueTask<AppendResult> append;
        lock (_answerLock)
        {
            // The assistant's clientSeq rises across rooms and restarts (wall-clock floor), and the append is
            // queued under the same lock, so its messages are stored in clientSeq order.
            _answerClientSeq = Math.Max(_answerClientSeq + 1, Time.GetUtcNow().ToUnixTimeMilliseconds());
            var message = new StoredMessage
            {
                Room = room,
                Id = $"answer.{epoch}.{triggerSeq}",
                From = Options.AssistantUserId,
                ClientId = Options.AssistantUserId,
                ClientSeq = _answerClientSeq,
                Body = body,
                SentAt = Time.GetUtcNow().ToUnixTimeMilliseconds(),
                Basis = triggerSeq,
                At = Time.GetUtcNow().ToUnixTimeMilliseconds(),
                AnswerFor = Options.Bugs.AnswerAssistantTwice ? null : triggerSeq,
            };
            append = Log.AppendAsync(message, null, Publisher, cancellationToken);
        }

        try
        {
            return await append;
        }
        catch (RoomUnavailableException)
        {
            return null;
        }
    }
}
