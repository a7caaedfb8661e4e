using System.Text;
using ChatResilience.Protocol.Connections;

namespace ChatResilience.Protocol.Tests.Connections;

/// <summary>
/// What every <see cref="IFrameConnection"/> must do, run against each implementation (STYLE.md habit 12).
/// Every wait is bounded, so a broken implementation fails instead of hanging.
/// </summary>
public abstract class FrameConnectionContract
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    /// <summary>Two connected ends; the test disposes both.</summary>
    protected abstract Task<(IFrameConnection A, IFrameConnection B)> CreatePairAsync(int maxFrameBytes);

    [Fact]
    public async Task Messages_ArriveInOrder_WithTheirKind()
    {
        var (a, b) = await CreatePairAsync(FrameLimits.DefaultMaxFrameBytes);
        await using var _ = a;
        await using var __ = b;
        using var cts = new CancellationTokenSource(Bound);

        for (var i = 0; i < 100; i++)
        {
            await a.SendAsync(new WireMessage(Payload(i, 10 + (i * 397 % 40_000)), IsBinary: i % 3 == 0), cts.Token);
        }

        for (var i = 0; i < 100; i++)
        {
            var m = await b.ReceiveAsync(cts.Token);
            Assert.NotNull(m);
            Assert.Equal(i % 3 == 0, m.Value.IsBinary);
            Assert.Equal(Payload(i, 10 + (i * 397 % 40_000)), m.Value.Payload.ToArray());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EmptyMessage_ArrivesEmpty_AndTheNextOneIntact(bool binary)
    {
        var (a, b) = await CreatePairAsync(FrameLimits.DefaultMaxFrameBytes);
        await using var _ = a;
        await using var __ = b;
        using var cts = new CancellationTokenSource(Bound);

        await a.SendAsync(new WireMessage(Array.Empty<byte>(), binary), cts.Token);
        await a.SendAsync(new WireMessage(Payload(1, 100), binary), cts.Token);

        var empty = await b.ReceiveAsync(cts.Token);
        var next = await b.ReceiveAsync(cts.Token);
        Assert.Equal((0, binary), (empty!.Value.Payload.Length, empty.Value.IsBinary));
        Assert.Equal(Payload(1, 100), next!.Value.Payload.ToArray());
    }

    [Fact]
    public async Task ReceiveWaitingBeforeTheSend_GetsTheWholeMessage()
    {
        // The idle case: the receive is pending (holding no buffer, for WebSockets) when a large message comes.
        var (a, b) = await CreatePairAsync(FrameLimits.DefaultMaxFrameBytes);
        await using var _ = a;
        await using var __ = b;
        using var cts = new CancellationTokenSource(Bound);

        var receiving = b.ReceiveAsync(cts.Token).AsTask();
        Assert.False(receiving.IsCompleted);
        await a.SendAsync(new WireMessage(Payload(2, 100_000), IsBinary: true), cts.Token);

        var m = await receiving;
        Assert.Equal(Payload(2, 100_000), m!.Value.Payload.ToArray());
    }

    [Fact]
    public async Task ConcurrentSends_AreSerialised_NoMessageTornOrLost()
    {
        var (a, b) = await CreatePairAsync(FrameLimits.DefaultMaxFrameBytes);
        await using var _ = a;
        await using var __ = b;
        using var cts = new CancellationTokenSource(Bound);

        var senders = Enumerable.Range(0, 4).Select(s => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await a.SendAsync(WireMessage.Text(Payload((s * 1000) + i, 3000)), cts.Token);
            }
        }));
        var received = new List<byte[]>();
        var receiving = Task.Run(async () =>
        {
            while (received.Count < 200)
            {
                received.Add((await b.ReceiveAsync(cts.Token))!.Value.Payload.ToArray());
            }
        });
        await Task.WhenAll([.. senders, receiving]);

        var expected = Enumerable.Range(0, 4).SelectMany(s => Enumerable.Range(0, 50).Select(i => Convert.ToHexString(Payload((s * 1000) + i, 3000))));
        Assert.Equal(expected.Order(), received.Select(Convert.ToHexString).Order());
    }

    [Fact]
    public async Task Close_CodeAndReasonReachThePeer()
    {
        var (a, b) = await CreatePairAsync(FrameLimits.DefaultMaxFrameBytes);
        await using var _ = a;
        await using var __ = b;
        using var cts = new CancellationTokenSource(Bound);
        await a.SendAsync(WireMessage.Text("before"u8.ToArray()), cts.Token);

        await a.CloseAsync(CloseCodes.SlowConsumer, "slow consumer", cts.Token);

        Assert.Equal("before"u8.ToArray(), (await b.ReceiveAsync(cts.Token))!.Value.Payload.ToArray());
        Assert.Null(await b.ReceiveAsync(cts.Token));
        Assert.Equal(new CloseInfo(CloseCodes.SlowConsumer, "slow consumer", ClosedByPeer: true), b.CloseInfo);
        Assert.Equal(new CloseInfo(CloseCodes.SlowConsumer, "slow consumer", ClosedByPeer: false), a.CloseInfo);
    }

    [Fact]
    public async Task Close_IsIdempotent_FirstCloseWins()
    {
        var (a, b) = await CreatePairAsync(FrameLimits.DefaultMaxFrameBytes);
        await using var _ = a;
        await using var __ = b;
        using var cts = new CancellationTokenSource(Bound);

        await a.CloseAsync(CloseCodes.Normal, "bye", cts.Token);
        await a.CloseAsync(CloseCodes.ServerError, "again", cts.Token);

        Assert.Equal(new CloseInfo(CloseCodes.Normal, "bye", ClosedByPeer: false), a.CloseInfo);
        Assert.Null(await b.ReceiveAsync(cts.Token));
        Assert.Equal(CloseCodes.Normal, b.CloseInfo?.Code);
    }

    [Fact]
    public async Task Send_AfterClose_ThrowsConnectionClosed_OnBothSides()
    {
        var (a, b) = await CreatePairAsync(FrameLimits.DefaultMaxFrameBytes);
        await using var _ = a;
        await using var __ = b;
        using var cts = new CancellationTokenSource(Bound);

        await a.CloseAsync(CloseCodes.Normal, null, cts.Token);
        Assert.Null(await b.ReceiveAsync(cts.Token));

        await Assert.ThrowsAsync<ConnectionClosedException>(async () => await a.SendAsync(WireMessage.Text("x"u8.ToArray()), cts.Token));
        await Assert.ThrowsAsync<ConnectionClosedException>(async () => await b.SendAsync(WireMessage.Text("x"u8.ToArray()), cts.Token));
    }

    [Fact]
    public async Task Receive_MessagePastTheLimit_IsTooLarge()
    {
        var (a, b) = await CreatePairAsync(maxFrameBytes: 1000);
        await using var _ = a;
        await using var __ = b;
        using var cts = new CancellationTokenSource(Bound);

        await a.SendAsync(WireMessage.Text(Payload(1, 1000)), cts.Token);
        await a.SendAsync(WireMessage.Text(Payload(2, 1001)), cts.Token);

        Assert.Equal(1000, (await b.ReceiveAsync(cts.Token))!.Value.Payload.Length);
        var e = await Assert.ThrowsAsync<ProtocolException>(async () => await b.ReceiveAsync(cts.Token));
        Assert.Equal(ErrorCodes.TooLarge, e.Code);
    }

    private static byte[] Payload(int index, int length)
    {
        var bytes = new byte[length];
        var tag = Encoding.ASCII.GetBytes($"#{index}#");
        for (var i = 0; i < length; i++)
        {
            bytes[i] = tag[i % tag.Length];
        }

        return bytes;
    }
}
