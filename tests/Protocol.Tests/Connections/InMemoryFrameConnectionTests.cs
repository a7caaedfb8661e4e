using ChatResilience.Protocol.Connections;

namespace ChatResilience.Protocol.Tests.Connections;

public sealed class InMemoryFrameConnectionTests : FrameConnectionContract
{
    protected override Task<(IFrameConnection A, IFrameConnection B)> CreatePairAsync(int maxFrameBytes)
    {
        var (client, server) = InMemoryFrameConnection.CreatePair(maxFrameBytes: maxFrameBytes);
        return Task.FromResult<(IFrameConnection, IFrameConnection)>((client, server));
    }

    [Fact]
    public async Task Abort_IsSeenByThePeerAs1006()
    {
        var (client, server) = InMemoryFrameConnection.CreatePair();
        using var cts = new CancellationTokenSource(Bound);

        client.Abort();

        Assert.Null(await server.ReceiveAsync(cts.Token));
        Assert.Equal(CloseInfo.AbnormalClosure, server.CloseInfo?.Code);
    }
}
