namespace ChatResilience.Server.Tests.Core;

public sealed class ChatServerOptionsTests
{
    [Fact]
    public void Defaults_AreValid() => new ChatServerOptions().Validate();

    [Fact]
    public void Validate_ListsEveryBadField()
    {
        var bad = new ChatServerOptions { MaxInFlight = 0, RateLimitBurst = 0, SqliteSynchronous = "OFF", HistoryMaxLimit = 0, StoragePath = "", SqliteIndexBatch = 0, SqliteIndexRowsPerKey = -1 };
        var e = Assert.Throws<ArgumentException>(() => bad.Validate());
        foreach (var field in new[] { "MaxInFlight", "RateLimitBurst", "SqliteSynchronous", "HistoryMaxLimit", "StoragePath", "SqliteIndexBatch", "SqliteIndexRowsPerKey" })
        {
            Assert.Contains(field, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SqliteSynchronous_NormalIsAccepted() => new ChatServerOptions { SqliteSynchronous = "NORMAL" }.Validate();
}
