using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Compression;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Tests.Harness;

public sealed class WireSeqTrackerTests
{
    [Fact]
    public void Msg_ContiguousThroughReplayAndLive_NoGap()
    {
        var t = new WireSeqTracker();
        t.Joined("r", epoch: 1, from: 5, head: 7);

        Assert.All(new long[] { 5, 6, 7, 8, 9 }, seq => Assert.Null(t.Msg("r", 1, seq)));
    }

    [Fact]
    public void Msg_HoleAtTheSeam_NamesExpectedAndReceived()
    {
        var t = new WireSeqTracker();
        t.Joined("r", 1, from: 5, head: 7);
        _ = t.Msg("r", 1, 5);
        _ = t.Msg("r", 1, 6);
        _ = t.Msg("r", 1, 7);

        var gap = t.Msg("r", 1, 11);

        Assert.Equal(new WireSeqTracker.Gap("r", 1, Expected: 8, Received: 11, JoinedFrom: 5, JoinedHead: 7), gap);
        Assert.Null(t.Msg("r", 1, 12)); // the stream goes on from what came
    }

    [Fact]
    public void Msg_RetentionGapAnnouncedByJoinedFrom_IsNoHole()
    {
        // joined {from: 50, gap: {1, 49}}: the server says up front that 1..49 are gone; the stream starts at 50.
        var t = new WireSeqTracker();
        t.Joined("r", 1, from: 50, head: 60);

        Assert.Null(t.Msg("r", 1, 50));
    }

    [Fact]
    public void Msg_DuplicatesOtherEpochsUnjoinedRoomsAndAfterLeft_AreNotHoles()
    {
        var t = new WireSeqTracker();
        Assert.Null(t.Msg("r", 1, 9)); // not joined on this connection
        t.Joined("r", 1, from: 1, head: 0);
        _ = t.Msg("r", 1, 1);
        Assert.Null(t.Msg("r", 1, 1)); // duplicate
        Assert.Null(t.Msg("r", 2, 40)); // another epoch: a new joined will come
        t.Left("r");
        Assert.Null(t.Msg("r", 1, 30));
    }

    [Fact]
    public void Msg_AfterAnUnreadableFrame_JudgesNothing()
    {
        var t = new WireSeqTracker();
        t.Joined("r", 1, from: 1, head: 0);
        t.LostTrack();

        Assert.Null(t.Msg("r", 1, 5));
    }

    [Fact]
    public async Task RecordingConnection_RecordsAHoleInTheMsgStreamButNotAHistoryFill()
    {
        var recorder = new RunHistoryRecorder(TimeProvider.System);
        var (client, server) = InMemoryFrameConnection.CreatePair();
        var recording = new RecordingFrameConnection(client, "c1", recorder, _ => { });

        await Send(server, new JoinedFrame { Room = "r", Epoch = 1, From = 3, Head = 4 });
        await Send(server, Msg(3));
        await Send(server, Msg(4));
        await Send(server, Msg(7)); // 5 and 6 never came: a hole at the seam
        await Send(server, new PageFrame { Room = "r", Msgs = [Msg(5), Msg(6)], Head = 7 }); // the client's history fill
        await Send(server, Msg(8));

        // A compressed frame is read too (the server compresses large frames).
        var transcoder = new FrameTranscoder(ChatResilience.Protocol.FrameLimits.Default, new CompressionPolicy { ThresholdBytes = 1 });
        transcoder.Negotiate(CompressionCodecNames.All);
        await server.SendAsync(transcoder.Encode(Msg(10)));
        await server.CloseAsync(1000, null);
        while (await recording.ReceiveAsync() is not null)
        {
        }

        var gaps = recorder.Snapshot().Events.OfType<WireGapEvent>().ToList();
        Assert.Equal([(5L, 7L), (9L, 10L)], gaps.Select(g => (g.Expected, g.Received)));
        Assert.All(gaps, g => Assert.Equal(("c1", "r", 1L, 3L, 4L), (g.ClientId, g.Room, g.Epoch, g.JoinedFrom, g.JoinedHead)));
    }

    private static MsgFrame Msg(long seq) => new()
    {
        Room = "r", Epoch = 1, Seq = seq, Id = "m" + seq, From = "u", ClientId = "c2", ClientSeq = seq, Body = "hello",
    };

    private static ValueTask Send(InMemoryFrameConnection server, Frame frame) =>
        server.SendAsync(WireMessage.Text(FrameCodec.EncodeToArray(frame)));
}
