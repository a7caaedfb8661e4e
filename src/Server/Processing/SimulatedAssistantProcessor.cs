using System.Collections.Concurrent;
using System.Threading.Channels;
using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Processing;

/// <summary>
/// The seed's AI step, simulated: in rooms named <c>assistant-*</c> every message not from the assistant
/// is answered once after <see cref="ChatServerOptions.AssistantThinkTime"/> (on the server's clock). Answers
/// are deduplicated by the triggering room seq in the log, and on start every stored message still lacking
/// an answer is answered, so each message is answered exactly once across restarts.
/// </summary>
public sealed class SimulatedAssistantProcessor : IMessageProcessor
{
    /// <summary>Rooms with this prefix get answers.</summary>
    public const string RoomPrefix = "assistant-";

    private readonly ConcurrentDictionary<string, Channel<StoredMessage>> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _workers = [];
    private readonly CancellationTokenSource _stop = new();
    private IProcessorHost? _host;

    /// <summary>Answers posted (duplicates from dedup not counted).</summary>
    public long Answers => Interlocked.Read(ref _answers);

    private long _answers;

    /// <inheritdoc />
    public void OnCommitted(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_host is null || !message.Room.StartsWith(RoomPrefix, StringComparison.Ordinal) || message.From == _host.Options.AssistantUserId)
        {
            return;
        }

        // A full queue only delays the answer to the next start (which answers whatever is unanswered).
        Queue(message.Room).Writer.TryWrite(message);
    }

    /// <inheritdoc />
    public async Task StartAsync(IProcessorHost host, CancellationToken cancellationToken = default)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        foreach (var room in await host.Log.ListRoomsAsync(cancellationToken))
        {
            if (!room.StartsWith(RoomPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var m in await host.Log.GetUnansweredAsync(room, host.Options.AssistantUserId, cancellationToken))
            {
                Queue(room).Writer.TryWrite(m);
            }
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _stop.CancelAsync();
        foreach (var q in _queues.Values)
        {
            q.Writer.TryComplete();
        }

        await Task.WhenAll(_workers).ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    private Channel<StoredMessage> Queue(string room) => _queues.GetOrAdd(room, r =>
    {
        var channel = Channel.CreateBounded<StoredMessage>(new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        _workers.Add(Task.Run(() => WorkAsync(r, channel.Reader)));
        return channel;
    });

    private async Task WorkAsync(string room, ChannelReader<StoredMessage> reader)
    {
        var host = _host!;
        try
        {
            await foreach (var m in reader.ReadAllAsync(_stop.Token))
            {
                if (host.Options.AssistantThinkTime > TimeSpan.Zero)
                {
                    await Task.Delay(host.Options.AssistantThinkTime, host.Time, _stop.Token);
                }

                var body = "assistant: " + (m.Body.Length > 200 ? m.Body[..200] : m.Body);
                var result = await host.AppendAnswerAsync(room, m.Epoch, m.Seq, body, _stop.Token);
                if (result is { Duplicate: false })
                {
                    Interlocked.Increment(ref _answers);
                }

                if (host.Options.Bugs.AnswerAssistantTwice)
                {
                    // TEST-ONLY bug switch: a second answer (dedup is skipped for both).
                    await host.AppendAnswerAsync(room, m.Epoch, m.Seq, body, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping; unanswered messages are answered on the next start.
        }
    }
}
