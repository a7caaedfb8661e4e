using System.IO.Compression;
using System.Text;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server.Tests.Support;

namespace ChatResilience.Server.Tests.Core;

/// <summary>
/// Hostile and malformed inputs, each with the exact answer PROTOCOL.md §7 defines; for every one the
/// server stays up, the other client sees nothing, and nothing is stored.
/// </summary>
public sealed class BadInputCatalogueTests
{
    /// <summary>What the attacker must get back.</summary>
    public sealed record Expect(int? Close = null, string? Error = null, string? Nack = null, long? NackSeq = null, long? ExpectedSeq = null, string? Ref = null);

    private sealed record Case(bool PreHello, Func<TestClient, long, Task> Act, Expect Expect);

    private static readonly string Big = new('x', 70_000);

    private static string SendJson(string overrides = "", string id = "\"m1\"", string seq = "1", string room = "\"mine\"", string body = "\"hi\"", string sentAt = "NOW") =>
        $"{{\"t\":\"send\",\"id\":{id},\"seq\":{seq},\"room\":{room},\"body\":{body},\"sentAt\":{sentAt}{overrides}}}";

    private static Func<TestClient, long, Task> Raw(string json) => async (c, now) => await c.SendRawAsync(json.Replace("NOW", now.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    private static Func<TestClient, long, Task> Bytes(byte[] bytes, bool binary) => async (c, _) => await c.SendBytesAsync(bytes, binary);

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        output.WriteByte(0x01);
        using (var z = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(data);
        }

        return output.ToArray();
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Before hello.
        ["prehello-not-json"] = new(true, Raw("hello?"), new(Close: CloseCodes.HelloExpected)),
        ["prehello-join"] = new(true, Raw("{\"t\":\"join\",\"room\":\"r1\"}"), new(Close: CloseCodes.HelloExpected)),
        ["prehello-send"] = new(true, Raw(SendJson()), new(Close: CloseCodes.HelloExpected)),
        ["prehello-binary"] = new(true, Bytes(Deflate(Encoding.UTF8.GetBytes("{\"t\":\"hello\",\"v\":1,\"clientId\":\"c\"}")), true), new(Close: CloseCodes.HelloExpected)),
        ["hello-wrong-version"] = new(true, Raw("{\"t\":\"hello\",\"v\":2,\"clientId\":\"x\",\"token\":\"ok:evil\"}"), new(Close: CloseCodes.HelloExpected)),
        ["hello-bad-client-id"] = new(true, Raw("{\"t\":\"hello\",\"v\":1,\"clientId\":\"a b\",\"token\":\"ok:evil\"}"), new(Close: CloseCodes.HelloExpected)),
        ["hello-over-64k"] = new(true, Raw("{\"t\":\"hello\",\"v\":1,\"clientId\":\"x\",\"token\":\"ok:evil\",\"pad\":\"" + Big + "\"}"), new(Close: CloseCodes.TooLarge)),
        ["hello-no-token"] = new(true, Raw("{\"t\":\"hello\",\"v\":1,\"clientId\":\"x\"}"), new(Close: CloseCodes.Unauthorized)),
        ["hello-bad-token"] = new(true, Raw("{\"t\":\"hello\",\"v\":1,\"clientId\":\"x\",\"token\":\"forged\"}"), new(Close: CloseCodes.Unauthorized)),
        ["hello-expired-token"] = new(true, Raw("{\"t\":\"hello\",\"v\":1,\"clientId\":\"x\",\"token\":\"ok:evil:1\"}"), new(Close: CloseCodes.Unauthorized)),

        // After hello: frames that are not sends get an error and the connection stays.
        ["invalid-json"] = new(false, Raw("{\"t\":"), new(Error: ErrorCodes.InvalidFrame)),
        ["json-array"] = new(false, Raw("[1,2]"), new(Error: ErrorCodes.InvalidFrame)),
        ["json-string"] = new(false, Raw("\"send\""), new(Error: ErrorCodes.InvalidFrame)),
        ["no-type"] = new(false, Raw("{\"room\":\"r1\"}"), new(Error: ErrorCodes.InvalidFrame)),
        ["unknown-type"] = new(false, Raw("{\"t\":\"explode\",\"rid\":\"q1\"}"), new(Error: ErrorCodes.UnknownType, Ref: "q1")),
        ["type-not-string"] = new(false, Raw("{\"t\":5}"), new(Error: ErrorCodes.InvalidFrame)),
        ["join-no-room"] = new(false, Raw("{\"t\":\"join\",\"rid\":\"j1\"}"), new(Error: ErrorCodes.InvalidFrame, Ref: "j1")),
        ["join-uppercase-room"] = new(false, Raw("{\"t\":\"join\",\"room\":\"R1\"}"), new(Error: ErrorCodes.InvalidFrame)),
        ["join-room-too-long"] = new(false, Raw("{\"t\":\"join\",\"room\":\"" + new string('a', 129) + "\"}"), new(Error: ErrorCodes.InvalidFrame)),
        ["join-negative-after"] = new(false, Raw("{\"t\":\"join\",\"room\":\"r2\",\"after\":-1}"), new(Error: ErrorCodes.InvalidFrame)),
        ["join-after-past-2^53"] = new(false, Raw("{\"t\":\"join\",\"room\":\"r2\",\"after\":9007199254740992}"), new(Error: ErrorCodes.InvalidFrame)),
        ["join-after-string"] = new(false, Raw("{\"t\":\"join\",\"room\":\"r2\",\"after\":\"5\"}"), new(Error: ErrorCodes.InvalidFrame)),
        ["join-after-fraction"] = new(false, Raw("{\"t\":\"join\",\"room\":\"r2\",\"after\":1.5}"), new(Error: ErrorCodes.InvalidFrame)),
        ["join-rid-too-long"] = new(false, Raw("{\"t\":\"join\",\"room\":\"r2\",\"rid\":\"" + new string('r', 65) + "\"}"), new(Error: ErrorCodes.InvalidFrame)),
        ["history-limit-zero"] = new(false, Raw("{\"t\":\"history\",\"room\":\"r1\",\"after\":0,\"limit\":0}"), new(Error: ErrorCodes.InvalidFrame)),
        ["history-limit-absurd"] = new(false, Raw("{\"t\":\"history\",\"room\":\"r1\",\"after\":0,\"limit\":1000000}"), new(Error: ErrorCodes.InvalidFrame)),
        ["history-limit-overflow"] = new(false, Raw("{\"t\":\"history\",\"room\":\"r1\",\"after\":0,\"limit\":1e30}"), new(Error: ErrorCodes.InvalidFrame)),
        ["history-not-member"] = new(false, Raw("{\"t\":\"history\",\"room\":\"r1\",\"after\":0,\"limit\":10,\"rid\":\"h1\"}"), new(Error: ErrorCodes.Forbidden, Ref: "h1")),
        ["history-no-room"] = new(false, Raw("{\"t\":\"history\",\"room\":\"ghost\",\"after\":0,\"limit\":10}"), new(Error: ErrorCodes.NoSuchRoom)),
        ["read-no-room"] = new(false, Raw("{\"t\":\"read\",\"room\":\"ghost\",\"seq\":1}"), new(Error: ErrorCodes.NoSuchRoom)),
        ["read-not-member"] = new(false, Raw("{\"t\":\"read\",\"room\":\"r1\",\"seq\":1}"), new(Error: ErrorCodes.Forbidden)),
        ["leave-no-room"] = new(false, Raw("{\"t\":\"leave\",\"room\":\"ghost\"}"), new(Error: ErrorCodes.NoSuchRoom)),
        ["second-hello"] = new(false, Raw("{\"t\":\"hello\",\"v\":1,\"clientId\":\"evil-c\",\"token\":\"ok:evil\"}"), new(Error: ErrorCodes.InvalidFrame)),
        ["server-frame-from-client"] = new(false, Raw("{\"t\":\"ack\",\"id\":\"m1\",\"seq\":1,\"room\":\"r1\"}"), new(Error: ErrorCodes.InvalidFrame)),
        ["deep-nesting"] = new(false, Raw("{\"t\":\"join\",\"room\":\"r2\",\"x\":" + new string('[', 2000) + new string(']', 2000) + "}"), new(Error: ErrorCodes.InvalidFrame)),
        ["auth-garbage"] = new(false, Raw("{\"t\":\"auth\",\"token\":\"forged\",\"rid\":\"a1\"}"), new(Error: ErrorCodes.Unauthorized, Ref: "a1")),
        ["auth-other-user"] = new(false, Raw("{\"t\":\"auth\",\"token\":\"ok:victim\"}"), new(Close: CloseCodes.Forbidden)),
        ["cancel-negative"] = new(false, Raw("{\"t\":\"cancel\",\"seq\":-3}"), new(Error: ErrorCodes.InvalidFrame)),

        // Sends: readable id and seq are settled by a nack (dedup first); unreadable ones get an error.
        ["send-not-member"] = new(false, Raw(SendJson(room: "\"r1\"")), new(Nack: ErrorCodes.Forbidden, NackSeq: 1)),
        ["send-no-such-room"] = new(false, Raw(SendJson(room: "\"ghost\"")), new(Nack: ErrorCodes.NoSuchRoom, NackSeq: 1)),
        ["send-body-too-large"] = new(false, Raw(SendJson(body: "\"" + Big + "\"")), new(Nack: ErrorCodes.TooLarge, NackSeq: 1)),
        ["send-no-body"] = new(false, Raw("{\"t\":\"send\",\"id\":\"m1\",\"seq\":1,\"room\":\"mine\",\"sentAt\":1}"), new(Nack: ErrorCodes.InvalidFrame, NackSeq: 1)),
        ["send-body-number"] = new(false, Raw(SendJson(body: "42")), new(Nack: ErrorCodes.InvalidFrame, NackSeq: 1)),
        ["send-bad-room-name"] = new(false, Raw(SendJson(room: "\"../etc\"")), new(Nack: ErrorCodes.InvalidFrame, NackSeq: 1)),
        ["send-negative-sentAt"] = new(false, Raw(SendJson(sentAt: "-5")), new(Nack: ErrorCodes.InvalidFrame, NackSeq: 1)),
        ["send-meta-17"] = new(false, Raw(SendJson(overrides: ",\"meta\":{" + string.Join(',', Enumerable.Range(0, 17).Select(i => $"\"k{i}\":\"v\"")) + "}")), new(Nack: ErrorCodes.InvalidFrame, NackSeq: 1)),
        ["send-meta-long-value"] = new(false, Raw(SendJson(overrides: ",\"meta\":{\"k\":\"" + new string('v', 300) + "\"}")), new(Nack: ErrorCodes.InvalidFrame, NackSeq: 1)),
        ["send-seq-zero"] = new(false, Raw(SendJson(seq: "0")), new(Error: ErrorCodes.InvalidFrame)),
        ["send-seq-negative"] = new(false, Raw(SendJson(seq: "-1")), new(Error: ErrorCodes.InvalidFrame)),
        ["send-seq-past-2^53"] = new(false, Raw(SendJson(seq: "9007199254740992")), new(Error: ErrorCodes.InvalidFrame)),
        ["send-bad-id"] = new(false, Raw(SendJson(id: "\"no spaces\"")), new(Error: ErrorCodes.InvalidFrame)),
        ["send-forged-future-seq"] = new(false, Raw(SendJson(seq: "5")), new(Nack: ErrorCodes.OutOfOrder, NackSeq: 5, ExpectedSeq: 1)),
        ["cancel-future-seq"] = new(false, Raw("{\"t\":\"cancel\",\"seq\":9}"), new(Nack: ErrorCodes.OutOfOrder, NackSeq: 9, ExpectedSeq: 1)),

        // Transport-level garbage closes the connection.
        ["invalid-utf8"] = new(false, Bytes([0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], false), new(Close: CloseCodes.Undecodable)),
        ["unknown-codec"] = new(false, Bytes([0x09, 1, 2, 3], true), new(Close: CloseCodes.Undecodable)),
        ["corrupt-deflate"] = new(false, Bytes([0x01, 0xFF, 0xFF, 0xFF, 0xFF], true), new(Close: CloseCodes.Undecodable)),
        ["empty-binary"] = new(false, Bytes([], true), new(Close: CloseCodes.Undecodable)),
        ["compression-bomb"] = new(false, Bytes(Deflate(new byte[8 * 1024 * 1024]), true), new(Close: CloseCodes.TooLarge)),
        ["frame-over-max"] = new(false, Raw("{\"t\":\"join\",\"room\":\"r2\",\"pad\":\"" + new string('p', 1_100_000) + "\"}"), new(Close: CloseCodes.TooLarge)),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Catalogue_HasAtLeastForty() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task HostileInput_ExactAnswer_ServerUp_OthersSeeNothing_NothingStored(string name)
    {
        var @case = Cases[name];
        await using var h = new CoreHarness();
        var (observer, _) = await h.JoinedAsync("r1", "obs", "c-obs");
        await observer.SendAsync(observer.Send("r1", "before", h.NowMs));
        if (!(await observer.SettledAsync(1)).OfType<MsgFrame>().Any())
        {
            await observer.ExpectAsync<MsgFrame>();
        }
        var (owner, _) = await h.JoinedAsync("mine", "evil", "c-own");
        await owner.DisposeAsync();
        var roomsBefore = await h.Log.ListRoomsAsync();

        TestClient attacker;
        if (@case.PreHello)
        {
            attacker = h.Open("evil", "c-evil");
        }
        else
        {
            (attacker, _) = await h.ConnectAsync("evil", "c-evil");
        }

        await @case.Act(attacker, h.NowMs);
        var e = @case.Expect;
        if (e.Close is { } code)
        {
            var (close, frames) = await attacker.ExpectClosedAsync();
            Assert.Equal(code, close.Code);
            Assert.DoesNotContain(frames, f => f is AckFrame or MsgFrame);
        }
        else if (e.Error is { } error)
        {
            var frame = await attacker.ExpectAsync<ErrorFrame>();
            Assert.Equal((error, e.Ref), (frame.Code, frame.Ref));
            await attacker.SyncAsync(); // still open and answering
        }
        else
        {
            var nack = Assert.Single((await attacker.SettledAsync(1)).OfType<NackFrame>());
            Assert.Equal((e.Nack, e.NackSeq!.Value, e.ExpectedSeq), (nack.Code, nack.Seq, nack.ExpectedSeq));
            Assert.Equal(ErrorCodes.IsRetryable(nack.Code), nack.Retryable);
            await attacker.SyncAsync();
        }

        // Nothing else happened: no new rooms, nothing stored, the observer saw nothing.
        Assert.Equal(roomsBefore, await h.Log.ListRoomsAsync());
        Assert.Equal(1, (await h.Log.GetRoomAsync("r1"))!.Head);
        Assert.Equal(0, (await h.Log.GetRoomAsync("mine"))!.Head);
        Assert.Empty(await observer.SyncAsync());

        // The server is up for everyone.
        var (fresh, welcome) = await h.ConnectAsync("newcomer", "c-new");
        Assert.Equal("newcomer", welcome.UserId);
        await fresh.SyncAsync();
    }
}
