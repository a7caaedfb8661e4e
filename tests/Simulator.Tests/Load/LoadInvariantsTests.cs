using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Scenarios;
using ChatResilience.Simulator.Tests.Invariants;

namespace ChatResilience.Simulator.Tests.Load;

/// <summary>
/// A load run is judged by the safety checkers only: what must hold at every instant (nothing twice, one order per room
/// and per sender, gap-free replays), never what needs the clients to have caught up (a load run stops mid-flight).
/// </summary>
public sealed class LoadInvariantsTests
{
    private static Scenario LoadRamp => ScenarioLoader.Load(RepoPaths.Scenario("load-ramp.json")).Scenario;

    [Fact]
    public void Check_ADuplicateAndASenderOutOfOrder_FailThoseCheckers_AndAStopMidFlightIsNoFailure()
    {
        var history = new HistoryBuilder()
            .Post(10, "a", 1, "r1", 1, "b", "c")
            .Post(20, "a", 2, "r1", 2, "b", "c")
            .Deliver(30, "b", "r1", 2, "a-2", "a", 2) // b gets a-2 twice
            .Deliver(40, "d", "r2", 1, "e-2", "e", 2).Deliver(50, "d", "r2", 2, "e-1", "e", 1) // e's sends in the wrong order
            .Accept(60, "a", "a-3", 3, "r1").Ack(62, "a", "a-3", 3, "r1", 3) // acked, not delivered yet when the run stopped
            .Build();

        var results = LoadInvariants.Check(LoadRamp, history);

        Assert.Equal(["NoDuplicateDelivery", "PerRoomTotalOrder", "ReplayIsGapFree", "PerSenderOrder"], results.Select(r => r.Name));
        var failed = results.Where(r => r.Status == InvariantStatus.Failed).Select(r => r.Name).ToList();
        Assert.Contains("NoDuplicateDelivery", failed);
        Assert.Contains("PerSenderOrder", failed);
        Assert.DoesNotContain(results, r => r.Status == InvariantStatus.Inconclusive);

        // The same history before the two faults: every checker passes, a-3 still in flight included (chatsim run's
        // NoAckedMessageLost would fail it; a load run does not wait for it).
        var clean = new HistoryBuilder()
            .Post(10, "a", 1, "r1", 1, "b", "c")
            .Post(20, "a", 2, "r1", 2, "b", "c")
            .Accept(60, "a", "a-3", 3, "r1").Ack(62, "a", "a-3", 3, "r1", 3)
            .Build();
        Assert.All(LoadInvariants.Check(LoadRamp, clean), r => Assert.Equal(InvariantStatus.Passed, r.Status));
    }

    [Fact]
    public async Task AReportedDuplicate_Exits1_WithItsViolationFile_AndAFailedJUnitCase()
    {
        var loaded = ScenarioLoader.Parse("""{ "schemaVersion": 1, "name": "x", "clients": { "count": 3 }, "workload": { "rooms": [ { "name": "r1", "count": 1, "size": 3 } ] } }""");
        var settings = LoadSettings.Resolve(loaded.Scenario, 1, hold: TimeSpan.FromSeconds(10)) with { Window = TimeSpan.FromSeconds(5) };
        var history = new HistoryBuilder().Post(1_000, "a", 1, "r1", 1, "b", "c").Deliver(1_200, "b", "r1", 1, "a-1", "a", 1).Build();
        var result = new LoadResult
        {
            History = history,
            Plan = LoadRunner.PlanFor(settings),
            LoadEndMs = 10_000,
            EndMs = 10_000,
            Connects = [],
            Samples = [],
            ResourceSource = "none",
        };
        var windows = LoadReport.Windows(settings, result);

        var summary = LoadReport.Summarize(settings, loaded, result, windows, "chatsim load x.json --seed 1");

        Assert.Equal(1, summary.ExitCode);
        Assert.Equal(1, Assert.Single(summary.Invariants, i => i.Name == "NoDuplicateDelivery").ViolationCount);

        // --no-checks (a soak of hours) leaves the checkers out: the same history is then judged by its SLOs alone.
        Assert.True(LoadArguments.Parse(["x.json", "--no-checks"]).NoChecks);
        Assert.False(LoadArguments.Parse(["x.json"]).NoChecks);
        var withoutChecks = LoadReport.Summarize(settings with { SafetyChecks = false }, loaded, result, windows, "chatsim load x.json --seed 1");
        Assert.Empty(withoutChecks.Invariants);
        Assert.NotEqual(1, withoutChecks.ExitCode);
        Assert.Contains("skipped (--no-checks)", LoadHtmlReport.Build(withoutChecks, new LoadSeries { Samples = [], Windows = windows, Connects = [] }), StringComparison.Ordinal);
        Assert.Contains("<td>NoDuplicateDelivery</td><td>1 violation(s)</td>", LoadHtmlReport.Build(summary, new LoadSeries { Samples = [], Windows = windows, Connects = [] }), StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("chatsim-load-violations-").FullName;
        try
        {
            await LoadReportWriter.WriteAllAsync(dir, summary, new LoadSeries { Samples = [], Windows = windows, Connects = [] }, history);

            var violation = File.ReadAllText(Path.Combine(dir, "violations", "NoDuplicateDelivery-001.json"));
            Assert.Contains("a-1", violation, StringComparison.Ordinal);
            var junit = File.ReadAllText(Path.Combine(dir, "junit.xml"));
            Assert.Matches("name=\"NoDuplicateDelivery\"[^>]*>\\s*<failure", junit);
            Assert.Contains("\"invariants\"", File.ReadAllText(Path.Combine(dir, "summary.json")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ExitCode_AFailedSafetyCheckerIs1_OverABrokenSlo_ButNotOverAHarnessFailure()
    {
        var held = new SloBreak { Metric = "m", Broke = false, WindowsJudged = 3 };
        var broke = held with { Broke = true };
        var passed = new InvariantResult { Name = "NoDuplicateDelivery", Samples = 10 };
        var failed = passed with { ViolationCount = 1, Violations = [new Violation { Checker = "NoDuplicateDelivery", Message = "twice" }] };

        Assert.Equal(0, LoadReport.ExitCode([held], null, interrupted: false, [passed]));
        Assert.Equal(1, LoadReport.ExitCode([held], null, interrupted: false, [passed, failed]));
        Assert.Equal(1, LoadReport.ExitCode([broke], null, interrupted: false, [failed]));
        Assert.Equal(2, LoadReport.ExitCode([broke], null, interrupted: false, [passed]));
        Assert.Equal(4, LoadReport.ExitCode([held], "watchdog", interrupted: false, [failed]));
    }
}
