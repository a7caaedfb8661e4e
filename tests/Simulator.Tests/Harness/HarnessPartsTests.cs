using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Simulator.Harness;
using ChatResilience.Simulator.History;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.Harness;

public sealed class HarnessPartsTests
{
    [Theory]
    [InlineData("""{"retryAfterMs": 1500}""", 1500L)]
    [InlineData("""{"other": 1}""", null)]
    [InlineData("going away", null)]
    [InlineData("{not json", null)]
    [InlineData(null, null)]
    public void CloseReasonHint_ReadsRetryAfter(string? reason, long? expected) =>
        Assert.Equal(expected, CloseReasonHint.Parse(reason));

    [Fact]
    public void SkewedTimeProvider_ShiftsWallClockOnly()
    {
        var fake = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var skewed = new SkewedTimeProvider(fake, TimeSpan.FromMinutes(-3));
        var t0 = skewed.GetTimestamp();

        fake.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 11, 57, 5, TimeSpan.Zero), skewed.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(5), skewed.GetElapsedTime(t0));
    }

    [Fact]
    public void FileBudget_RefusesAboveTheLimitAndCapsTheServerBelowIt()
    {
        Assert.Null(FileBudget.Check(FileBudget.MaxClients));
        Assert.Contains("issue 7", FileBudget.Check(FileBudget.MaxClients + 1), StringComparison.Ordinal);
        Assert.True(FileBudget.ServerConnectionCap(FileBudget.MaxClients) < FileBudget.ProcessLimit);
    }

    [Fact]
    public void BugSwitches_ParseServerAndClientSwitches()
    {
        var (server, client) = BugSwitches.Parse(new Dictionary<string, string> { ["DropBroadcastEveryN"] = "7", ["ignoreretryafter"] = "true" });

        Assert.Equal(7, server.DropBroadcastEveryN);
        Assert.True(client.IgnoreRetryAfter);
        Assert.False(client.ReorderSends);
    }

    [Fact]
    public void BugSwitches_BadValues_AllListed()
    {
        var e = Assert.Throws<ArgumentException>(() => BugSwitches.Parse(new Dictionary<string, string> { ["SkipSeamHold"] = "maybe", ["Nope"] = "1" }));

        Assert.Contains("SkipSeamHold: 'maybe' must be true or false", e.Message, StringComparison.Ordinal);
        Assert.Contains("Nope: unknown switch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordingConnection_RecordsWelcomeNackAndPeerClose()
    {
        var recorder = new RunHistoryRecorder(TimeProvider.System);
        var (client, server) = InMemoryFrameConnection.CreatePair();
        var sessions = new List<bool>();
        long? hintSeen = -1;
        var recording = new RecordingFrameConnection(client, "c1", recorder, h => hintSeen = h, sessions.Add);

        await server.SendAsync(WireMessage.Text(FrameCodec.EncodeToArray(new WelcomeFrame { SessionId = "s", UserId = "u" })));
        await server.SendAsync(WireMessage.Text(FrameCodec.EncodeToArray(new NackFrame { Id = "m1", Seq = 3, Code = "no_such_room", Retryable = false })));
        await server.CloseAsync(1001, """{"retryAfterMs": 800}""");
        while (await recording.ReceiveAsync() is not null)
        {
        }

        var events = recorder.Snapshot().Events;
        Assert.Equal([true], sessions);
        var nack = Assert.Single(events.OfType<WireNackEvent>());
        Assert.Equal(("m1", 3L, "no_such_room"), (nack.MessageId, nack.Seq, nack.Code));
        var closed = Assert.Single(events.OfType<ConnectionClosedEvent>());
        Assert.Equal((1001, true, 800L), (closed.Code, closed.ByPeer, closed.HintMs!.Value));
        Assert.Equal(800, hintSeen);
    }

    [Fact]
    public async Task RecordingConnection_CloseBeforeWelcome_ReportsNoSession()
    {
        var recorder = new RunHistoryRecorder(TimeProvider.System);
        var (client, server) = InMemoryFrameConnection.CreatePair();
        var sessions = new List<bool>();
        var recording = new RecordingFrameConnection(client, "c1", recorder, _ => { }, sessions.Add);

        server.Abort();

        Assert.Null(await recording.ReceiveAsync());
        Assert.Equal([false], sessions);
        Assert.Equal(1006, Assert.Single(recorder.Snapshot().Events.OfType<ConnectionClosedEvent>()).Code);
    }
}
