using System.Collections.Concurrent;
using ChatResilience.Protocol.Codec;
using ChatResilience.Server.Storage;

namespace ChatResilience.Server.Core;

/// <summary>
/// The live side of one room epoch: its subscriptions and the published head. The log calls
/// <see cref="Publish"/> after each commit, in seq order; publishing and subscribing share one lock, so a
/// new subscription sees every message either in its replay (seq ≤ head at subscribe) or live (after).
/// </summary>
internal sealed class RoomHub(RoomInfo info, ChatServerCore core)
{
    private readonly Lock _lock = new();
    private readonly List<Subscription> _subscriptions = [];
    private long _deliveries;

    public string Name { get; } = info.Room;

    public long Epoch { get; } = info.Epoch;

    public long PublishedHead { get; private set; } = info.Head;

    public bool Closed { get; private set; }

    /// <summary>Memberships read so far (the log is the truth; this saves a read per send).</summary>
    public ConcurrentDictionary<string, MembershipState> Members { get; } = new(StringComparer.Ordinal);

    public Lock SyncRoot => _lock;

    /// <summary>Adds a subscription (not yet live) and returns the head it must replay up to.</summary>
    public long Subscribe(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Add(subscription);
            return PublishedHead;
        }
    }

    public void Unsubscribe(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    /// <summary>Called by the log after commit, in seq order: encodes once and hands the bytes to every subscriber.</summary>
    public void Publish(StoredMessage message)
    {
        lock (_lock)
        {
            if (Closed || message.Epoch != Epoch || message.Seq <= PublishedHead)
            {
                return;
            }

            PublishedHead = message.Seq;
            if (_subscriptions.Count > 0)
            {
                var json = FrameCodec.EncodeToArray(message.ToFrame());
                core.Metrics.BroadcastEncoded();
                var dropEvery = core.Options.Bugs.DropBroadcastEveryN;
                var shared = _subscriptions.Count > 1;
                foreach (var s in _subscriptions)
                {
                    // TEST-ONLY bug switch: lose every Nth delivery.
                    if (dropEvery > 0 && ++_deliveries % dropEvery == 0)
                    {
                        continue;
                    }

                    s.OnPublished(message.Seq, json, shared);
                }
            }
        }

        core.OnCommitted(message);
    }

    /// <summary>Ends the epoch (room deleted): returns the subscriptions so their sessions can be told.</summary>
    public IReadOnlyList<Subscription> Close()
    {
        lock (_lock)
        {
            Closed = true;
            var subs = _subscriptions.ToList();
            _subscriptions.Clear();
            return subs;
        }
    }

    public IReadOnlyList<Subscription> Snapshot()
    {
        lock (_lock)
        {
            return [.. _subscriptions];
        }
    }
}
