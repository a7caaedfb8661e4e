using System.Diagnostics;

namespace ChatResilience.Simulator.Tests.Cli;

/// <summary>The real chatsim process: SIGTERM (what CI runners and <c>timeout</c> send) stops a run like Ctrl-C.</summary>
public sealed class SignalStopTests
{
    [Fact]
    public async Task Sigterm_StopsARun_AndAPartialReportIsWritten()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"chatsim-sigterm-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "chatsim.dll"), "run", RepoPaths.Scenario("flaky-mobile.json"), "--out", outDir, "--plain"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var lines = new List<string>();
        var workload = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data.Contains(" workload ", StringComparison.Ordinal))
            {
                workload.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await workload.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // The scenario's workload runs for minutes: exiting within this bound means the signal stopped it.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(45));
            string all;
            lock (lines)
            {
                all = string.Join('\n', lines);
            }

            Assert.Contains("INTERRUPTED  partial report written", all, StringComparison.Ordinal);
            Assert.Equal(4, process.ExitCode); // harness failure: an interrupted run proves nothing either way
            Assert.True(File.Exists(Path.Combine(outDir, "summary.json")), all);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}
