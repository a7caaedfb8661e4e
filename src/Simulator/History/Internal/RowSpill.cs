using System.Runtime.InteropServices;

namespace ChatResilience.Simulator.History.Internal;

/// <summary>
/// An append-only file of <see cref="HistoryRow"/>s. Its name is removed as soon as it is open, so nothing is left
/// behind whatever way the process ends; the data stays reachable through the open handle and, once
/// <see cref="Map"/>ped, through the mapping.
/// </summary>
internal sealed class RowSpill : IDisposable
{
    private readonly FileStream _file;
    private bool _mapped;

    public RowSpill(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"chatsim-history-{Environment.ProcessId}-{Guid.NewGuid():N}.rows");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Systems that cannot remove an open file delete it on close instead (DeleteOnClose).
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>Rows written so far.</summary>
    public int Count { get; private set; }

    public void Append(ReadOnlySpan<HistoryRow> rows)
    {
        ObjectDisposedException.ThrowIf(_mapped, this);
        _file.Write(MemoryMarshal.AsBytes(rows));
        Count += rows.Length;
    }

    /// <summary>
    /// Reads the rows back in order, a chunk at a time (to merge them into another builder, or to keep them in memory
    /// after a failed append); the spill is disposed afterwards, never appended to again.
    /// </summary>
    public IEnumerable<HistoryRow[]> ReadBack()
    {
        _file.Flush();
        _file.Position = 0;
        for (var remaining = Count; remaining > 0;)
        {
            var chunk = new HistoryRow[Math.Min(remaining, RowChunks.ChunkSize)];
            _file.ReadExactly(MemoryMarshal.AsBytes(chunk.AsSpan()));
            remaining -= chunk.Length;
            yield return chunk;
        }
    }

    /// <summary>Maps the written rows for reading and reordering; the mapping owns the file from then on.</summary>
    public MappedRows Map()
    {
        ObjectDisposedException.ThrowIf(_mapped, this);
        _file.Flush();
        _mapped = true;
        return new MappedRows(_file, Count);
    }

    public void Dispose()
    {
        if (!_mapped)
        {
            _mapped = true;
            _file.Dispose();
        }
    }
}
