using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Tests.Reports;

internal static class ReportSamples
{
    public static InvariantResult Passed(string name) => new() { Name = name, Samples = 10, MinSamples = 1 };

    public static InvariantResult Failed(string name) => new()
    {
        Name = name,
        Samples = 10,
        MinSamples = 1,
        ViolationCount = 1,
        Violations = [new Violation { Checker = name, Message = "lost <m1> & more", Room = "r1", Seq = 3, ClientId = "c1", MessageId = "m1", AtMs = 1_500 }],
    };

    public static InvariantResult Inconclusive(string name) => new() { Name = name, Samples = 0, MinSamples = 5 };

    public static SloResult Slo(string name, bool passed) => SloResult.Judge(name, 500, passed ? 120 : 900, 90);

    public static RunSummary Summary(IReadOnlyList<InvariantResult> results, IReadOnlyList<SloResult> slos) => new()
    {
        ToolVersion = "1.0.0",
        Seed = 42,
        GitCommit = "abc123",
        Scenario = "flaky-mobile",
        ScenarioHash = new string('a', 64),
        Machine = MachineInfo.Current(),
        StartedAt = new DateTimeOffset(2026, 11, 26, 21, 0, 0, TimeSpan.Zero),
        EndedAt = new DateTimeOffset(2026, 11, 26, 21, 1, 0, TimeSpan.Zero),
        DurationMs = 61_500,
        Clients = 300,
        Counts = new RunCounts { Sent = 10, Acked = 9, Failed = 1, Delivered = 90, Reconnects = 4 },
        ExecutedFaultHash = new string('b', 64),
        Invariants = results,
        Slos = slos,
        OnlineLatency = new LatencyPercentiles { Count = 90, P50 = 12, P90 = 30, P99 = 80, P999 = 95, Max = 99 },
        ExitCode = ExitCodes.From(results, slos, harnessFailed: false),
        RepeatCommand = "chatsim run chaos/scenarios/flaky-mobile.json --seed 42",
    };
}
