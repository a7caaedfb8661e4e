namespace ChatResilience.Simulator.History;

/// <summary>
/// Keeps at most <see cref="SpillingHistoryRecorderOptions.BufferEvents"/> events in memory and appends the rest
/// to a JSON Lines file (<see cref="HistoryFile"/> format), so a run of hours does not grow without bound.
/// The recording thread that fills the buffer swaps in an empty one and writes the full one itself: other
/// threads keep recording meanwhile, and a disk slower than the run slows the recorders instead of piling up
/// memory. The file lock is taken before the buffer lock is released, so batches reach the file in the order
/// they were filled. <see cref="Snapshot"/> flushes and reads the whole file back.
/// </summary>
public sealed class SpillingHistoryRecorder : IHistoryRecorder, IDisposable
{
    private readonly SpillingHistoryRecorderOptions _options;
    private readonly RunClock _clock;
    private readonly Lock _bufferLock = new();
    private readonly Lock _fileLock = new();
    private readonly FileStream _file;
    private List<HistoryEvent> _buffer;
    private long _spilled;
    private bool _disposed;

    public SpillingHistoryRecorder(TimeProvider timeProvider, SpillingHistoryRecorderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _clock = new RunClock(timeProvider, options.StartOffset);
        _buffer = new List<HistoryEvent>(options.BufferEvents);
        _file = new FileStream(options.Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
    }

    /// <inheritdoc />
    public long NowMs => _clock.NowMs;

    /// <summary>Events written to the file so far.</summary>
    public long SpilledEvents => Interlocked.Read(ref _spilled);

    /// <summary>Bytes written to the file so far.</summary>
    public long SpilledBytes
    {
        get
        {
            lock (_fileLock)
            {
                return _file.Position;
            }
        }
    }

    /// <inheritdoc />
    public void Record(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Worker != _options.Worker)
        {
            e = e with { Worker = _options.Worker };
        }

        List<HistoryEvent>? full = null;
        lock (_bufferLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _buffer.Add(e);
            if (_buffer.Count >= _options.BufferEvents)
            {
                full = _buffer;
                _buffer = new List<HistoryEvent>(_options.BufferEvents);
                _fileLock.Enter();
            }
        }

        if (full is not null)
        {
            SpillHoldingFileLock(full);
        }
    }

    /// <inheritdoc />
    public RecordedHistory Snapshot()
    {
        Flush();
        using var file = new FileStream(_options.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        using var reader = new StreamReader(file);
        var events = new RecordedHistoryBuilder();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length > 0)
            {
                events.Add(HistoryFile.Parse(line, number));
            }
        }

        return events.Build();
    }

    /// <summary>Writes the buffered events to the file.</summary>
    public void Flush()
    {
        List<HistoryEvent> pending;
        lock (_bufferLock)
        {
            pending = _buffer;
            _buffer = new List<HistoryEvent>(_options.BufferEvents);
            _fileLock.Enter();
        }

        SpillHoldingFileLock(pending);
    }

    /// <summary>Flushes and closes the file (which stays for <see cref="HistoryFile.ReadAsync"/>).</summary>
    public void Dispose()
    {
        lock (_bufferLock)
        {
            if (_disposed)
            {
                return;
            }
        }

        Flush();
        lock (_bufferLock)
        {
            _disposed = true;
        }

        lock (_fileLock)
        {
            _file.Dispose();
        }
    }

    private void SpillHoldingFileLock(List<HistoryEvent> events)
    {
        try
        {
            if (_file.CanWrite)
            {
                foreach (var e in events)
                {
                    _file.Write(HistoryFile.ToLine(e));
                }

                _file.Flush();
                Interlocked.Add(ref _spilled, events.Count);
            }
        }
        finally
        {
            _fileLock.Exit();
        }
    }
}
