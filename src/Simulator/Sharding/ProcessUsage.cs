using System.Diagnostics;

namespace ChatResilience.Simulator.Sharding;

/// <summary>Resident memory, CPU time and open files of a process, with the peaks seen by <see cref="Sample"/>.</summary>
internal sealed class ProcessUsage
{
    private readonly Process _process;
    private readonly Lock _gate = new();

    public ProcessUsage(Process process) => _process = process;

    public long PeakRssBytes { get; private set; }

    public long PeakOpenFiles { get; private set; }

    public double CpuSeconds { get; private set; }

    public long RssBytes { get; private set; }

    public long OpenFiles { get; private set; }

    /// <summary>One reading; a process that has exited keeps its last numbers.</summary>
    public void Sample()
    {
        lock (_gate)
        {
            try
            {
                _process.Refresh();
                if (_process.HasExited)
                {
                    return;
                }

                RssBytes = _process.WorkingSet64;
                CpuSeconds = _process.TotalProcessorTime.TotalSeconds;
                OpenFiles = CountOpenFiles(_process.Id);
                PeakRssBytes = Math.Max(PeakRssBytes, RssBytes);
                PeakOpenFiles = Math.Max(PeakOpenFiles, OpenFiles);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // The process went away between the check and the read: keep the last numbers.
            }
        }
    }

    /// <summary>
    /// This process's resident memory after a full, compacting, aggressive collection (which also returns freed
    /// pages to the OS): the "RSS after a full GC" that memory per client is computed from.
    /// </summary>
    public static long RssAfterFullGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>Open file descriptors of <paramref name="pid"/> (Linux /proc); 0 where /proc is missing.</summary>
    /// <remarks>
    /// Counts <c>/proc/pid/fdinfo</c>, one regular file per descriptor, rather than <c>/proc/pid/fd</c>: the entries
    /// there are symlinks, and the directory enumerator stats and lstats every one to learn whether it points at a
    /// directory. With 3,000 descriptors that was 6,000 syscalls and 40 times the time per count, and the coordinator
    /// counts the server's descriptors every second (at 3,000 clients, 3 % of a worker's CPU went to its own count).
    /// </remarks>
    public static long CountOpenFiles(int pid)
    {
        try
        {
            return Directory.EnumerateFiles($"/proc/{pid}/fdinfo").LongCount();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
