using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Tests.Harness;

public sealed class TokenFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chatsim-token-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_dir, "tokens.txt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Load_UserAndTokenPerLine_CommentsAndBlankLinesSkipped()
    {
        var tokens = TokenFile.Load(Write("# issued by our identity service\n\nu1 eyJ.a.b\n  u2\teyJ.c.d  \n"));

        Assert.Equal(new Dictionary<string, string> { ["u1"] = "eyJ.a.b", ["u2"] = "eyJ.c.d" }, tokens);
    }

    [Theory]
    [InlineData("u1 a\nu2\n", ":2: expected 'user-id token', got 1 field(s)")]
    [InlineData("u1 a b\n", ":1: expected 'user-id token', got 3 field(s)")]
    [InlineData("u1 a\nu1 b\n", ":2: a second token for user 'u1'")]
    [InlineData("# nothing\n", ": no tokens in it")]
    public void Load_AMalformedFile_NamesTheLine(string text, string message)
    {
        var path = Write(text);
        var e = Assert.Throws<InvalidDataException>(() => TokenFile.Load(path));
        Assert.Equal(path + message, e.Message);
    }

    [Fact]
    public async Task ExternalTarget_WithATokenFile_AnswersFromIt_AndNamesAUserItLacks()
    {
        await using var target = new ExternalChatTarget(new Uri("http://127.0.0.1:9/"), tokenCommand: null, adminToken: null, new Dictionary<string, string> { ["u1"] = "t1" });

        Assert.Equal("t1", await target.GetTokenAsync("u1", CancellationToken.None));
        var e = await Assert.ThrowsAsync<HarnessException>(async () => await target.GetTokenAsync("u2", CancellationToken.None));
        Assert.Equal("--token-file: no token for user 'u2'", e.Message);
        await Assert.ThrowsAsync<HarnessException>(() => target.DeleteRoomAsync("r", CancellationToken.None));
    }
}
