using System.Text;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Tests.History;

public sealed class HistoryFileTests
{
    [Fact]
    public async Task WriteThenRead_EveryEventType_RoundTripsEqual()
    {
        using var dir = new TempDirectory();
        var events = SampleEvents.OfEveryType();

        await HistoryFile.WriteAsync(dir.File("h.jsonl"), events);
        var back = await HistoryFile.ReadAsync(dir.File("h.jsonl"));

        Assert.Equal(events, back.Events);
    }

    [Fact]
    public void ToLine_PutsDiscriminatorFirstCamelCaseAndOmitsNulls()
    {
        var line = Encoding.UTF8.GetString(HistoryFile.ToLine(new LeftEvent { AtMs = 10, ClientId = "c2", Room = "r1", Code = "removed" }));

        Assert.Equal("{\"e\":\"left\",\"clientId\":\"c2\",\"room\":\"r1\",\"code\":\"removed\",\"atMs\":10,\"worker\":0}\n", line);
    }

    [Fact]
    public void Parse_DiscriminatorNotFirst_IsAccepted()
    {
        var e = HistoryFile.Parse("{\"clientId\":\"c2\",\"room\":\"r1\",\"code\":\"x\",\"e\":\"left\",\"atMs\":3}", 1);

        Assert.Equal(new LeftEvent { AtMs = 3, ClientId = "c2", Room = "r1", Code = "x" }, e);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"e\":\"nope\",\"atMs\":1}")]
    [InlineData("{\"e\":\"left\",\"atMs\":1}")]
    [InlineData("null")]
    public async Task Read_BadLine_ThrowsNamingTheLine(string bad)
    {
        var text = HistoryFile.ToLine(new LeftEvent { AtMs = 10, ClientId = "c2", Room = "r1", Code = "removed" });
        using var stream = new MemoryStream([.. text, .. "\n"u8, .. Encoding.UTF8.GetBytes(bad), .. "\n"u8]);

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var unused in HistoryFile.ReadEventsAsync(stream))
            {
            }
        });

        Assert.StartsWith("history line 3:", e.Message, StringComparison.Ordinal);
    }
}
