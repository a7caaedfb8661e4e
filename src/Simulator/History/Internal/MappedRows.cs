using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace ChatResilience.Simulator.History.Internal;

/// <summary>
/// Rows in a spill file, mapped into memory: the operating system pages them in as the checkers read and may drop
/// them again under memory pressure (they are file-backed, not heap), so a long run's history need not fit in RAM.
/// The mapping lives as long as this object (the view's safe handle unmaps it when collected).
/// </summary>
internal sealed unsafe class MappedRows : HistoryRows
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly HistoryRow* _rows;
    private readonly int _count;

    public MappedRows(FileStream file, int count)
    {
        _count = count;
        _file = MemoryMappedFile.CreateFromFile(file, null, (long)count * sizeof(HistoryRow), MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        _view = _file.CreateViewAccessor(0, (long)count * sizeof(HistoryRow), MemoryMappedFileAccess.ReadWrite);
        _rows = (HistoryRow*)(_view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)_view.PointerOffset);
    }

    public override int Count => _count;

    public override ref HistoryRow this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            return ref Unsafe.AsRef<HistoryRow>(_rows + index);
        }
    }
}
