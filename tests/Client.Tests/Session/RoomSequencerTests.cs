using ChatResilience.Client.Session;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Client.Tests.Session;

public sealed class RoomSequencerTests
{
    internal static MsgFrame Msg(long seq, long epoch = 1, string room = "r") => new()
    {
        Room = room,
        Epoch = epoch,
        Seq = seq,
        Id = "m" + seq,
        From = "u",
        ClientId = "c",
        Body = "b" + seq,
    };

    [Fact]
    public void Accept_InOrder_DeliversAndAdvances()
    {
        var room = new RoomSequencer("r", 1, 0);
        var deliver = new List<MsgFrame>();
        Assert.Equal(MsgVerdict.Delivered, room.Accept(Msg(1), deliver));
        Assert.Equal(MsgVerdict.Delivered, room.Accept(Msg(2), deliver));
        Assert.Equal([1L, 2L], deliver.Select(m => m.Seq));
        Assert.Equal(2, room.After);
    }

    [Fact]
    public void Accept_AlreadyHeld_IsDropped()
    {
        var room = new RoomSequencer("r", 1, 5);
        var deliver = new List<MsgFrame>();
        Assert.Equal(MsgVerdict.Duplicate, room.Accept(Msg(5), deliver));
        Assert.Equal(MsgVerdict.Duplicate, room.Accept(Msg(1), deliver));
        Assert.Empty(deliver);
    }

    [Fact]
    public void Accept_OtherEpoch_IsStale()
    {
        var room = new RoomSequencer("r", 2, 0);
        Assert.Equal(MsgVerdict.Stale, room.Accept(Msg(1, epoch: 1), []));
    }

    [Fact]
    public void Accept_Early_ParksAndAsksHistoryOnce_ThenPageFillsInOrder()
    {
        var room = new RoomSequencer("r", 1, 1);
        var deliver = new List<MsgFrame>();
        Assert.Equal(MsgVerdict.NeedHistory, room.Accept(Msg(4), deliver));
        Assert.Equal(MsgVerdict.Held, room.Accept(Msg(5), deliver));
        Assert.Empty(deliver);

        var gap = room.OnPage(new PageFrame { Room = "r", Msgs = [Msg(2), Msg(3)], Head = 5 }, deliver, out var more);
        Assert.Null(gap);
        Assert.False(more);
        Assert.Equal([2L, 3L, 4L, 5L], deliver.Select(m => m.Seq));
        Assert.Equal(5, room.After);
    }

    [Fact]
    public void OnPage_HoleThatHistoryCannotFill_SurfacesGapAndMovesOn()
    {
        var room = new RoomSequencer("r", 1, 1);
        var deliver = new List<MsgFrame>();
        room.Accept(Msg(6), deliver);
        var gap = room.OnPage(new PageFrame { Room = "r", Msgs = [], Head = 6 }, deliver, out _);
        Assert.Equal(new RoomGap("r", 1, 2, 5), gap);
        Assert.Equal([6L], deliver.Select(m => m.Seq));
    }

    [Fact]
    public void OnJoined_NotRecovered_ReportsGapAndSkipsIt()
    {
        var room = new RoomSequencer("r", 1, 2);
        var (reset, gap) = room.OnJoined(new JoinedFrame { Room = "r", Epoch = 1, Head = 9, From = 6, Recovered = false, Gap = new SeqGap { From = 3, To = 5 } });
        Assert.Null(reset);
        Assert.Equal(new RoomGap("r", 1, 3, 5), gap);
        Assert.Equal(5, room.After);
    }

    [Fact]
    public void OnJoined_Reset_DropsCursorAndTakesWhatFollows()
    {
        var room = new RoomSequencer("r", 1, 40);
        var (reset, gap) = room.OnJoined(new JoinedFrame { Room = "r", Epoch = 2, Head = 3, From = 1, Reset = true });
        Assert.Equal(new RoomReset("r", 2, 1, 3), reset);
        Assert.Null(gap);
        Assert.Equal(0, room.After);
        var deliver = new List<MsgFrame>();
        Assert.Equal(MsgVerdict.Delivered, room.Accept(Msg(1, epoch: 2), deliver));
    }
}
