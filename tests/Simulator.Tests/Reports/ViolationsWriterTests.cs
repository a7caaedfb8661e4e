using System.Text.Json;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports;
using ChatResilience.Simulator.Tests.Invariants;

namespace ChatResilience.Simulator.Tests.Reports;

public sealed class ViolationsWriterTests
{
    private static ServerLogLine Log(long atMs, string message) => new() { AtMs = atMs, Message = message };

    [Fact]
    public void Slice_KeepsTwoSecondsOfSameRoomOrClientPlusRunWideEventsAndServerLog()
    {
        var history = new HistoryBuilder()
            .Post(100, "a", 1, "r1", 1, "b")       // too early (violation at 5 000)
            .Post(3_500, "x", 1, "r1", 2, "b")     // same room, in range
            .Post(3_600, "y", 1, "r2", 1, "z")     // other room and clients: left out
            .Fault(4_000, "applied")               // run-wide
            .Closed(6_900, "b")                    // same client, in range
            .Closed(7_100, "b")                    // too late
            .Build();
        var violation = new Violation { Checker = "X", Message = "m", Room = "r1", ClientId = "b", Seq = 2, AtMs = 5_000 };

        var report = ViolationsWriter.Slice(violation, history, [Log(2_999, "early"), Log(3_001, "in"), Log(7_000, "edge"), Log(7_001, "late")]);

        Assert.Equal([3_500L, 3_502, 3_505, 4_000, 6_900], report.History.Select(e => e.AtMs));
        Assert.Equal(["in", "edge"], report.ServerLog.Select(l => l.Message));
    }

    [Fact]
    public void Slice_WithASpan_FollowsTheOwnClientOverIt_OthersOnlyNearTheViolation()
    {
        // A late reconnect attempt at 10 000 whose wait began with a close at 4 000 and whose outcome came at 13 000.
        var history = new HistoryBuilder()
            .Closed(1_500, "b")                    // before the span (minus 2 s): left out
            .Closed(4_000, "b")                    // the close that began the wait: kept
            .Closed(4_100, "other")                // another client early in the span: left out
            .Fault(5_000, "applied")               // run-wide but far from the violation: left out
            .Fault(9_000, "applied")               // run-wide, near: kept
            .Closed(13_000, "b")                   // the outcome: kept
            .Closed(15_500, "b")                   // past the span (plus 2 s): left out
            .Build();
        var violation = new Violation { Checker = "BackoffWithinPolicy", Message = "m", ClientId = "b", AtMs = 10_000, FromMs = 4_000, ToMs = 13_000 };

        var report = ViolationsWriter.Slice(violation, history, []);

        Assert.Equal([4_000L, 9_000, 13_000], report.History.Select(e => e.AtMs));
    }

    [Fact]
    public void Slice_BusyRoom_KeepsTheEventsNearestTheViolationInOrder()
    {
        var builder = new HistoryBuilder();
        for (var i = 0; i < 2 * ViolationsWriter.MaxEventsPerSlice; i++)
        {
            builder.Closed(3_000 + i, "b");
        }

        var violation = new Violation { Checker = "X", Message = "m", ClientId = "b", AtMs = 3_000 + ViolationsWriter.MaxEventsPerSlice };

        var report = ViolationsWriter.Slice(violation, builder.Build(), []);

        Assert.True(report.HistoryTruncated);
        Assert.Equal(ViolationsWriter.MaxEventsPerSlice, report.History.Count);
        Assert.Equal(3_500L, report.History[0].AtMs);
        Assert.Equal(4_499L, report.History[^1].AtMs);
    }

    [Fact]
    public async Task WriteAsync_CapsFilesPerCheckerAndWritesParsableJson()
    {
        using var dir = new History.TempDirectory();
        var many = Enumerable.Range(0, 30).Select(i => new Violation { Checker = "Lost", Message = "m", AtMs = i }).ToList();
        var results = new[]
        {
            new InvariantResult { Name = "Lost", ViolationCount = 30, Violations = many },
            new InvariantResult { Name = "Dup", ViolationCount = 1, Violations = [many[0] with { Checker = "Dup", Room = "r" }] },
        };

        var written = await ViolationsWriter.WriteAsync(dir.Path, results, new HistoryBuilder().Post(1, "a", 1, "r", 1, "a").Build(), []);

        Assert.Equal(21, written);
        Assert.Equal(20, Directory.GetFiles(dir.Path, "Lost-*.json").Length);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "Dup-001.json")));
        Assert.Equal("Dup", json.RootElement.GetProperty("violation").GetProperty("checker").GetString());
        Assert.Equal("accepted", json.RootElement.GetProperty("history")[0].GetProperty("e").GetString());
    }
}
