using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Processing;
using ChatResilience.Server.Storage;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.Core;

public sealed class AssistantTests
{
    private static readonly ChatServerOptions Options = new() { AssistantThinkTime = TimeSpan.FromSeconds(2), HeartbeatInterval = TimeSpan.FromHours(1) };

    [Fact]
    public async Task Assistant_AnswersEachMessageOnce_AfterThinkTime()
    {
        var processor = new SimulatedAssistantProcessor();
        await using var h = new CoreHarness(Options, processor: processor);
        var (c, _) = await h.JoinedAsync("assistant-1");
        await c.SendAsync(c.Send("assistant-1", "question", h.NowMs));
        var frames = await c.SettledAsync(1);
        if (!frames.OfType<MsgFrame>().Any())
        {
            frames.Add(await c.ExpectAsync<MsgFrame>());
        }

        Assert.Equal("question", Assert.Single(frames.OfType<MsgFrame>()).Body);

        await WaitForAsync(h, () => processor.Answers == 1);
        var answer = await c.ExpectAsync<MsgFrame>();
        Assert.Equal(("assistant", 2L, 1L), (answer.From, answer.Seq, answer.Basis));
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await c.SyncAsync();
        Assert.Equal(2, (await h.Log.GetRoomAsync("assistant-1"))!.Head);
    }

    [Fact]
    public async Task Assistant_AfterRestart_AnswersStoredUnansweredOnly()
    {
        var log = new InMemoryMessageLog();
        await log.EnsureRoomAsync("assistant-x");
        await log.AppendAsync(new StoredMessage { Room = "assistant-x", Id = "q1", From = "u1", ClientId = "c1", ClientSeq = 1, Body = "q1" }, "u1");
        await log.AppendAsync(new StoredMessage { Room = "assistant-x", Id = "a1", From = "assistant", ClientId = "assistant", ClientSeq = 1, Body = "a1", AnswerFor = 1 }, null);
        await log.AppendAsync(new StoredMessage { Room = "assistant-x", Id = "q2", From = "u1", ClientId = "c1", ClientSeq = 2, Body = "q2" }, "u1");
        var processor = new SimulatedAssistantProcessor();
        await using var h = new CoreHarness(Options, log, processor);
        await WaitForAsync(h, () => processor.Answers == 1);
        var all = await log.ReadAsync("assistant-x", 0, 100);
        Assert.Equal(4, all.Count);
        Assert.Equal(3, all[3].AnswerFor);
        Assert.Empty(await log.GetUnansweredAsync("assistant-x", "assistant"));
    }

    [Fact]
    public async Task Assistant_BugSwitch_AnswersTwice()
    {
        var processor = new SimulatedAssistantProcessor();
        await using var h = new CoreHarness(Options with { Bugs = new ServerBugSwitches { AnswerAssistantTwice = true } }, processor: processor);
        var sender = await h.SenderAsync("assistant-2");
        await sender.SendAsync(sender.Send("assistant-2", "q", h.NowMs));
        await sender.SettledAsync(1);
        await WaitForAsync(h, () => h.Log.GetRoomAsync("assistant-2").AsTask().Result!.Head == 3);
        Assert.Equal(2, (await h.Log.ReadAsync("assistant-2", 0, 10)).Count(m => m.From == "assistant"));
    }

    /// <summary>Advances the fake clock in think-time steps until the condition holds (bounded).</summary>
    private static async Task WaitForAsync(CoreHarness h, Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(5);
        }

        Assert.True(condition());
    }
}
