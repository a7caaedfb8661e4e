namespace ChatResilience.Simulator.History.Internal;

/// <summary>
/// One event of a <see cref="RecordedHistory"/> as a fixed-size row. A delivery — about 19 of every 20 events of a
/// run — lives in the row itself, its strings as ids into the history's <see cref="StringTable"/>; any other event
/// is an object in the history's side list and the row only points at it. Rows hold no references, so the GC never
/// scans them, however many millions a run records.
/// </summary>
internal struct HistoryRow
{
    /// <summary><see cref="ReplyToSeq"/> of a delivery that answers nothing.</summary>
    public const long NoReply = long.MinValue;

    public long AtMs;
    public long Epoch;
    public long RoomSeq;
    public long SenderSeq;
    public long ServerAtMs;
    public long ReplyToSeq;
    public int Worker;
    public int Client;
    public int Room;
    public int Message;
    public int SenderClient;
    public int SenderUser;

    /// <summary>Index of a non-delivery event in the history's side list; -1 for a delivery.</summary>
    public int Other;

    public readonly bool IsDelivery => Other < 0;
}
