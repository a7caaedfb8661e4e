using System.Net.Sockets;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Tests.Sharding;

public sealed class ProcessUsageTests
{
    [Fact]
    public void CountOpenFiles_SeesDescriptorsOpenAndClose()
    {
        var pid = Environment.ProcessId;
        var before = ProcessUsage.CountOpenFiles(pid);
        var sockets = Enumerable.Range(0, 50).Select(_ => new Socket(SocketType.Stream, ProtocolType.Tcp)).ToList();
        try
        {
            // Other test threads open and close files too: the 50 sockets must show, give or take that noise.
            Assert.InRange(ProcessUsage.CountOpenFiles(pid) - before, 40, 60);
            Assert.InRange(ProcessUsage.CountOpenFiles(pid), Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() - 10, Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() + 10);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void CountOpenFiles_OfAMissingProcess_IsZero() => Assert.Equal(0, ProcessUsage.CountOpenFiles(int.MaxValue));
}
