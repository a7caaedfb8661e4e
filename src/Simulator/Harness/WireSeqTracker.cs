namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Follows the <c>msg</c> seqs one connection receives per room, from each <c>joined</c> on: the server must send
/// from, from+1, … without a hole through the replay, the seam and the live stream (PROTOCOL.md §6.5). Pure and
/// single-threaded (one connection has one reader); a seq at or below the last one is a duplicate, not a hole.
/// </summary>
internal sealed class WireSeqTracker
{
    private readonly Dictionary<string, Stream> _rooms = new(StringComparer.Ordinal);
    private bool _blind;

    /// <summary>A hole: <paramref name="Expected"/> should have come, <paramref name="Received"/> came.</summary>
    internal readonly record struct Gap(string Room, long Epoch, long Expected, long Received, long JoinedFrom, long JoinedHead);

    /// <summary>A <c>joined</c>: the room's stream starts (again) at <paramref name="from"/>.</summary>
    public void Joined(string room, long epoch, long from, long head) => _rooms[room] = new Stream(epoch, from, from, head);

    /// <summary>A <c>left</c>: the room's stream ends.</summary>
    public void Left(string room) => _rooms.Remove(room);

    /// <summary>
    /// A frame this side could not read (corrupt or over the limit): it may have been a <c>msg</c>, so the rest of
    /// this connection can no longer be judged.
    /// </summary>
    public void LostTrack() => _blind = true;

    /// <summary>A <c>msg</c>; returns the hole it reveals, if any.</summary>
    public Gap? Msg(string room, long epoch, long seq)
    {
        if (_blind || !_rooms.TryGetValue(room, out var stream) || stream.Epoch != epoch || seq < stream.Next)
        {
            return null;
        }

        _rooms[room] = stream with { Next = seq + 1 };
        return seq == stream.Next ? null : new Gap(room, epoch, stream.Next, seq, stream.From, stream.Head);
    }

    private readonly record struct Stream(long Epoch, long From, long Next, long Head);
}
