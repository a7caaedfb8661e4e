using System.Text.Json;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Tests.Gate;
using ChatResilience.Simulator.Reports;

namespace ChatResilience.Simulator.Tests.Cli;

[Collection(EndToEndCollection.Name)]
public sealed class InterruptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chatsim-int-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 60_000)]
    public async Task Run_CancelledMidway_StopsCleanlyWithPartialReportAndExit4()
    {
        var file = Path.Combine(_dir, "long.json");
        await File.WriteAllTextAsync(file, GateScenarios.Steady.Replace("\"duration\": \"6s\"", "\"duration\": \"60s\"", StringComparison.Ordinal));
        var outDir = Path.Combine(_dir, "out");
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Ctrl-C stands in as a cancellation a few seconds into the workload (real sockets: wall time is the bound).
        using var ctrlC = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var started = DateTime.UtcNow;
        var exit = await ChatSimApp.MainAsync(["run", file, "--out", outDir, "--plain"], output, error, ctrlC.Token);

        Assert.Equal(ExitCodes.HarnessFailure, exit);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(40), "the run did not stop soon after the cancellation");
        Assert.Contains("INTERRUPTED  partial report written", output.ToString(), StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        Assert.True(summary.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.True(summary.RootElement.GetProperty("counts").GetProperty("sent").GetInt64() > 0);
        Assert.True(File.Exists(Path.Combine(outDir, "junit.xml")));
    }
}
