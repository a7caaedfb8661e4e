using ChatResilience.Protocol.Codec;

namespace ChatResilience.Server.Core;

/// <summary>
/// One session's subscription to one room epoch. Starts replaying: live frames published meanwhile are
/// held (bounded) and flushed at the seam when the replay reaches them; if too many arrive they are
/// dropped and the replay simply reads further, since they are in the log. Then live: frames go straight
/// to the session's bounded queue.
/// </summary>
internal sealed class Subscription(ChatSession session, RoomHub hub, int holdLimit)
{
    private readonly List<(long Seq, byte[] Json)> _held = [];
    private bool _heldOverflow;
    private long _replayCursor;

    public ChatSession Session { get; } = session;

    public RoomHub Hub { get; } = hub;

    public bool Live { get; private set; }

    public bool Ended { get; private set; }

    /// <summary>The highest seq replayed so far; retention never trims above it while the replay runs.</summary>
    public long ReplayCursor
    {
        get => Volatile.Read(ref _replayCursor);
        set => Volatile.Write(ref _replayCursor, value);
    }

    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Under the hub lock, in seq order; <paramref name="shared"/> when the room has other subscriptions too.</summary>
    public void OnPublished(long seq, byte[] json, bool shared)
    {
        if (Ended)
        {
            return;
        }

        if (Live)
        {
            if (!Session.TryEnqueueLive(json, shared))
            {
                Session.OnSlowConsumer();
            }

            return;
        }

        if (_heldOverflow)
        {
            return;
        }

        if (_held.Count >= holdLimit)
        {
            _held.Clear();
            _heldOverflow = true;
            return;
        }

        _held.Add((seq, json));
    }

    /// <summary>Marks the subscription over; no frame is delivered after this.</summary>
    public void End()
    {
        lock (Hub.SyncRoot)
        {
            Ended = true;
            _held.Clear();
        }

        Cancellation.Cancel();
    }

    /// <summary>Streams <c>cursor+1 .. target</c> from the log as the queue drains, then goes live at the seam.</summary>
    public async Task<long> ReplayAsync(long cursor, long target, ChatServerCore core)
    {
        var ct = Cancellation.Token;
        long replayed = 0;
        ReplayCursor = cursor;
        try
        {
            while (true)
            {
                while (cursor < target)
                {
                    var batch = await core.Log.ReadAsync(Hub.Name, cursor, (int)Math.Min(core.Options.ReplayBatchMessages, target - cursor), ct);
                    if (batch.Count == 0 || batch[0].Seq != cursor + 1)
                    {
                        // Retention never trims under an active replay, so this only happens if the room is being deleted
                        // (the SQLite log removes a large room's oldest messages first) or was: its end comes as `left`.
                        core.ReplayHole(this, cursor);
                        return replayed;
                    }

                    foreach (var m in batch)
                    {
                        if (m.Seq > target || m.Epoch != Hub.Epoch)
                        {
                            break;
                        }

                        await Session.EnqueueReplayAsync(FrameCodec.EncodeToArray(m.ToFrame()), ct);
                        cursor = m.Seq;
                        replayed++;
                    }

                    ReplayCursor = cursor;
                }

                lock (Hub.SyncRoot)
                {
                    if (Ended)
                    {
                        return replayed;
                    }

                    if (_heldOverflow)
                    {
                        // Held frames were dropped: read them from the log instead, up to the current head.
                        _heldOverflow = false;
                        target = Hub.PublishedHead;
                        continue;
                    }

                    if (_held.Count == 0 && cursor >= Hub.PublishedHead)
                    {
                        Live = true;
                        return replayed;
                    }

                    if (_held.Count > 0 && _held[0].Seq == cursor + 1)
                    {
                        // The seam: held frames continue the replay exactly. TEST-ONLY bug switch forgets them.
                        if (!core.Options.Bugs.SkipSeamHold)
                        {
                            foreach (var (_, json) in _held)
                            {
                                Session.EnqueueForced(json);
                            }
                        }

                        _held.Clear();
                        Live = true;
                        return replayed;
                    }

                    // Held frames start above the cursor (collected after an overflow): replay the difference.
                    target = _held.Count > 0 ? _held[0].Seq - 1 : Hub.PublishedHead;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return replayed;
        }
    }
}
