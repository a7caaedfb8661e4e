using System.Diagnostics;

namespace ChatResilience.Bench.Client;

/// <summary>RSS and managed heap after forced, blocking, compacting full collections.</summary>
internal readonly record struct MemorySnapshot(long Rss, long Heap)
{
    public static MemorySnapshot Take()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new MemorySnapshot(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true));
    }

    public static MemorySnapshot operator -(MemorySnapshot after, MemorySnapshot before) =>
        new(after.Rss - before.Rss, after.Heap - before.Heap);
}
