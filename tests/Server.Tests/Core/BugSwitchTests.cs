using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.Core;

/// <summary>The test-only bug switches do break what they claim to (and are inert when off, see the other suites).</summary>
public sealed class BugSwitchTests
{
    [Fact]
    public void Defaults_AllOff() => Assert.False(new ChatServerOptions().Bugs.AnyOn);

    [Fact]
    public async Task DropBroadcastEveryN_LosesLiveDeliveries()
    {
        await using var h = new CoreHarness(new ChatServerOptions { Bugs = new ServerBugSwitches { DropBroadcastEveryN = 2 } });
        var (reader, _) = await h.JoinedAsync("r1", "reader", "cr");
        var sender = await h.SenderAsync("r1");
        for (var i = 0; i < 4; i++)
        {
            await sender.SendAsync(sender.Send("r1", "m" + i, h.NowMs));
        }

        await sender.SettledAsync(4);
        var first = await reader.ExpectAsync<MsgFrame>();
        var second = await reader.ExpectAsync<MsgFrame>();
        Assert.Equal((1L, 3L), (first.Seq, second.Seq));
    }

    [Fact]
    public async Task StoreReplayTwice_StoresTheReplayedSendAgain()
    {
        await using var h = new CoreHarness(new ChatServerOptions { Bugs = new ServerBugSwitches { StoreReplayTwice = true } });
        var sender = await h.SenderAsync("r1");
        var send = sender.Send("r1", "once", h.NowMs);
        await sender.SendAsync(send);
        await sender.SendAsync(send);
        var acks = (await sender.SettledAsync(2)).OfType<AckFrame>().ToList();
        Assert.True(acks[1].Dup);
        for (var i = 0; i < 100 && (await h.Log.GetRoomAsync("r1"))!.Head < 2; i++)
        {
            await Task.Delay(10);
        }

        var stored = await h.Log.ReadAsync("r1", 0, 10);
        Assert.Equal(2, stored.Count(m => m.Id == send.Id));
    }
}
