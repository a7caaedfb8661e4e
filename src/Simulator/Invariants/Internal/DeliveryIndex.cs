using ChatResilience.Simulator.History;
using ChatResilience.Simulator.History.Internal;

namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>
/// Who got which stored message, in memory that grows with streams and messages rather than deliveries: each
/// reader's seqs per (room, epoch) as <see cref="SeqRanges"/>, the message id first delivered at each place, the
/// places each message was delivered at (one, unless the server stored it twice), and — rare — the readers that got
/// a different id at a place than the first reader did. A delivery of a room with 50 members costs nothing of its own.
/// </summary>
internal sealed class DeliveryIndex
{
    private readonly StringTable _strings = new();
    private readonly StringTable _messages = new();
    private readonly Dictionary<(int Reader, int Room, long Epoch), SeqRanges> _streams = [];
    private readonly Dictionary<Place, int> _idAt = [];
    private readonly Dictionary<int, Place> _firstPlace = [];
    private readonly Dictionary<int, List<Place>> _morePlaces = [];
    private readonly Dictionary<(int Reader, Place Place), int> _otherIdAt = [];

    /// <summary>Readers' streams (reader, room, epoch) seen.</summary>
    public int Streams => _streams.Count;

    /// <summary>
    /// Records <paramref name="d"/>. False when its reader already had its place (room, epoch, seq): nothing is
    /// recorded then. Otherwise <paramref name="elsewhere"/> names another place where the reader already got the
    /// same message id, if any (the message was stored twice and the reader got both copies).
    /// </summary>
    public bool Add(DeliveredEvent d, out (string Room, long Epoch, long Seq)? elsewhere)
    {
        elsewhere = null;
        var reader = _strings.Id(d.ClientId);
        var place = new Place(_strings.Id(d.Room), d.Epoch, d.RoomSeq);
        if (!_streams.TryGetValue((reader, place.Room, place.Epoch), out var seqs))
        {
            _streams[(reader, place.Room, place.Epoch)] = seqs = new SeqRanges();
        }

        if (!seqs.Add(place.Seq))
        {
            return false;
        }

        var message = _messages.Id(d.MessageId);
        if (FindPlace(reader, message, except: place) is { } other)
        {
            elsewhere = (_strings[other.Room], other.Epoch, other.Seq);
        }

        if (!_idAt.TryAdd(place, message) && _idAt[place] != message)
        {
            _otherIdAt[(reader, place)] = message;
        }

        if (!_firstPlace.TryAdd(message, place) && _firstPlace[message] != place)
        {
            if (!_morePlaces.TryGetValue(message, out var more))
            {
                _morePlaces[message] = more = [];
            }

            if (!more.Contains(place))
            {
                more.Add(place);
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="reader"/> got message <paramref name="messageId"/> (at any place).</summary>
    public bool Has(string reader, string messageId)
    {
        var r = _strings.Find(reader);
        var m = _messages.Find(messageId);
        return r >= 0 && m >= 0 && FindPlace(r, m, except: null) is not null;
    }

    private Place? FindPlace(int reader, int message, Place? except)
    {
        if (!_firstPlace.TryGetValue(message, out var first))
        {
            return null;
        }

        if (first != except && GotAt(reader, message, first))
        {
            return first;
        }

        if (_morePlaces.TryGetValue(message, out var more))
        {
            foreach (var place in more)
            {
                if (place != except && GotAt(reader, message, place))
                {
                    return place;
                }
            }
        }

        return null;
    }

    private bool GotAt(int reader, int message, Place place) =>
        _streams.TryGetValue((reader, place.Room, place.Epoch), out var seqs) && seqs.Contains(place.Seq)
        && (_otherIdAt.TryGetValue((reader, place), out var other) ? other : _idAt[place]) == message;

    private readonly record struct Place(int Room, long Epoch, long Seq);
}
