using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Simulator.Tests.Invariants;

public sealed class AssistantAnsweredOnceTests
{
    private static HistoryBuilder Asked() => new HistoryBuilder()
        .Deliver(10, "a", "assistant-1", 1, "a-1", "a", 1)
        .Deliver(11, "b", "assistant-1", 1, "a-1", "a", 1)
        .Deliver(12, "a", "plain", 1, "a-2", "a", 2); // not an assistant room: never answered, never counted

    private static HistoryBuilder Answer(HistoryBuilder h, long seq, string id, long replyTo, params string[] readers)
    {
        foreach (var r in readers)
        {
            h.Deliver(50, r, "assistant-1", seq, id, "bot", seq, senderUser: "assistant", replyTo: replyTo);
        }

        return h;
    }

    [Fact]
    public void Check_AnsweredOnceSeenByTwoReaders_Passes()
    {
        var r = new AssistantAnsweredOnce().Check(Answer(Asked(), 2, "ans-1", 1, "a", "b").Build(), HistoryBuilder.Context());

        Assert.Equal(InvariantStatus.Passed, r.Status);
        Assert.Equal(1, r.Samples);
    }

    [Fact]
    public void Check_AnsweredTwice_FailsNamingRoomAndSeq()
    {
        var h = Answer(Answer(Asked(), 2, "ans-1", 1, "a"), 3, "ans-2", 1, "b").Build();

        var v = Assert.Single(new AssistantAnsweredOnce().Check(h, HistoryBuilder.Context()).Violations);

        Assert.Equal(("assistant-1", 1L, "a-1"), (v.Room, v.Seq, v.MessageId));
        Assert.Contains("2 times", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NeverAnswered_Fails()
    {
        var v = Assert.Single(new AssistantAnsweredOnce().Check(Asked().Build(), HistoryBuilder.Context()).Violations);

        Assert.Contains("never answered", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoAssistantRooms_IsInconclusive()
    {
        var h = new HistoryBuilder().Post(1, "a", 1, "plain", 1, "a").Build();

        Assert.Equal(InvariantStatus.Inconclusive, new AssistantAnsweredOnce().Check(h, HistoryBuilder.Context()).Status);
    }
}
