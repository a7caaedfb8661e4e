using System.Diagnostics;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Tests.Sharding;

public sealed class ProcessUsageTests
{
    [Fact]
    public async Task CountOpenFiles_CountsEveryDescriptorOfTheProcess()
    {
        // A child that holds still (this test process's own count moves with tests running beside it), with three
        // descriptors of its own opened by the shell on top of stdin, stdout and stderr.
        var info = new ProcessStartInfo("sh", ["-c", "exec 3</dev/null 4</dev/null 5</dev/null; exec sleep 30"]) { RedirectStandardInput = true };
        using var child = Process.Start(info)!;
        try
        {
            var fdDir = $"/proc/{child.Id}/fd";
            long expected = 0;
            for (var i = 0; i < 100 && expected < 6; i++)
            {
                // Until the shell has opened its three and exec'd sleep.
                await Task.Delay(20);
                expected = File.ReadAllText($"/proc/{child.Id}/comm").Trim() == "sleep" ? Directory.EnumerateFileSystemEntries(fdDir).LongCount() : 0;
            }

            Assert.InRange(expected, 6, 20);
            Assert.Equal(expected, ProcessUsage.CountOpenFiles(child.Id));
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync();
        }
    }

    [Fact]
    public void CountOpenFiles_OfAMissingProcess_IsZero() => Assert.Equal(0, ProcessUsage.CountOpenFiles(int.MaxValue));
}
