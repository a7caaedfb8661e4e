using ChatResilience.Server;
using ChatResilience.Simulator.Harness;
using Microsoft.Extensions.Logging;

namespace ChatResilience.Simulator.Tests.Harness;

public sealed class ServerLogCaptureTests
{
    private long _now;

    [Fact]
    public void Log_KeepsServerInformationAndFrameworkWarnings_StampedOnTheRunClock()
    {
        using var capture = new ServerLogCapture(() => _now);
        var server = capture.CreateLogger("ChatResilience.Server.Core");
        var kestrel = capture.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");

        _now = 1_200;
        server.Log(LogLevel.Information, new EventId(1013, "RetentionTrimmed"), "Retention trimmed r1 to first seq 7");
        server.Log(LogLevel.Debug, new EventId(1008), "joined r1");
        kestrel.Log(LogLevel.Information, new EventId(1), "Request starting");
        _now = 1_500;
        kestrel.Log(LogLevel.Warning, new EventId(2), "slow");
        server.Log(LogLevel.Error, new EventId(1006), new IOException("disk"), "Append failed");

        var lines = capture.Snapshot();
        Assert.Equal([(1_200L, "Information", 1013, "RetentionTrimmed", "Retention trimmed r1 to first seq 7"), (1_500, "Warning", 2, null, "slow"), (1_500, "Error", 1006, null, "Append failed")],
            lines.Select(l => (l.AtMs, l.Level, l.EventId, l.EventName, l.Message)));
        Assert.Equal("ChatResilience.Server.Core", lines[0].Category);
        Assert.Equal("IOException: disk", lines[2].Exception);
        Assert.False(server.IsEnabled(LogLevel.Debug));
        Assert.False(server.IsEnabled(LogLevel.None));
    }

    [Fact]
    public void Log_BeyondCapacity_DropsTheOldestAndCountsThem()
    {
        using var capture = new ServerLogCapture(() => _now, new ServerLogCaptureOptions { Capacity = 3 });
        var logger = capture.CreateLogger("ChatResilience.Server");

        for (var i = 0; i < 5; i++)
        {
            _now = i;
            logger.LogInformation("line {I}", i);
        }

        Assert.Equal(["line 2", "line 3", "line 4"], capture.Snapshot().Select(l => l.Message));
        Assert.Equal(2, capture.Dropped);
    }

    [Fact]
    public void Ctor_BadOptions_ListsEveryBadField()
    {
        var e = Assert.Throws<ArgumentException>(() => new ServerLogCapture(() => 0, new ServerLogCaptureOptions { Capacity = 0, MinimumLevel = (LogLevel)42 }));

        Assert.Contains("Capacity: must be ≥ 1 (was 0)", e.Message, StringComparison.Ordinal);
        Assert.Contains("MinimumLevel: must be a LogLevel (was 42)", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task EmbeddedServer_StartAndGracefulRestart_AreCapturedWithEventIds()
    {
        using var capture = new ServerLogCapture(() => _now);
        _now = 10;
        await using (var target = await EmbeddedChatTarget.StartAsync(new ServerBugSwitches(), clients: 4, TimeProvider.System, capture, CancellationToken.None))
        {
            _now = 2_000;
            await target.RestartAsync(graceful: true, CancellationToken.None);
        }

        var lines = capture.Snapshot();
        Assert.Contains(lines, l => l is { EventId: 3000, AtMs: 10 } && l.Message.StartsWith("Chat server listening", StringComparison.Ordinal));
        Assert.Contains(lines, l => l is { EventId: 1014, AtMs: 2_000, Category: "ChatResilience.Server.Core" });
        Assert.Contains(lines, l => l is { EventId: 3000, AtMs: 2_000 });
    }
}
