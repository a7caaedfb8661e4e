using ChatResilience.Client.Outbox;

namespace ChatResilience.Client.Session;

/// <summary>An unsettled outbox entry as the client tracks it in memory. Guarded by the client's lock.</summary>
internal sealed class PendingSend(OutboxEntry entry, SendHandle handle)
{
    public OutboxEntry Entry { get; } = entry;

    public SendHandle Handle { get; } = handle;

    /// <summary>When it went on the wire on the current connection; 0 = not in flight.</summary>
    public long SentTimestamp { get; set; }

    /// <summary>When it first went on the wire on any connection; 0 = never.</summary>
    public long FirstSentTimestamp { get; set; }

    /// <summary>A <c>cancel</c> went out for it (time-to-live ran out).</summary>
    public bool Cancelled { get; set; }
}
