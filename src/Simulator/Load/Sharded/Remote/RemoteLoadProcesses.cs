using System.Globalization;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Load.Sharded.Remote;

/// <summary>
/// The coordinator's book of load processes it does not start (<c>chatsim load --external-processes N</c>): one slot
/// per share, filled when a <c>chatsim load-process</c> registers. To the sharded runner each slot is an ordinary
/// <see cref="LoadProcessHandle"/>: the lines a process posts are its output (its ready line among them), the start
/// line the runner writes becomes the standing order the process polls for, and its uploaded files land in the
/// share's folder, where the runner reads a local process's. So local and remote shares run through the same code.
/// </summary>
internal sealed class RemoteLoadProcesses : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Slot[] _slots;
    private readonly TimeProvider _time;
    private readonly TextWriter _progress;
    private readonly ITimer _watch;

    /// <param name="count">Shares in the run.</param>
    /// <param name="time">Clock for <see cref="RemoteLoadProtocol.LostAfter"/> and the clock endpoint.</param>
    /// <param name="progress">Where registrations are announced.</param>
    public RemoteLoadProcesses(int count, TimeProvider time, TextWriter progress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        _slots = [.. Enumerable.Range(0, count).Select(i => new Slot(new LoadShard(i, count)))];
        _time = time;
        _progress = progress;
        _watch = time.CreateTimer(_ => FindLost(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Shares in the run.</summary>
    public int Count => _slots.Length;

    /// <summary>The coordinator's wall clock, for the processes' offset probes.</summary>
    public LoadClockReading Clock() => new((_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds);

    /// <summary>
    /// What the runner calls instead of starting a process: records share I's arguments (<c>load SCENARIO … --shard I/N
    /// --out DIR</c>) for the process that registers for it, and returns its handle.
    /// </summary>
    public LoadProcessHandle Launch(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count < 2 || args[0] != "load")
        {
            throw new ArgumentException("expected the arguments of chatsim load", nameof(args));
        }

        var parsed = LoadArguments.Parse([.. args.Skip(1)]);
        var shard = parsed.Shard ?? throw new ArgumentException("a load process's arguments carry --shard", nameof(args));
        var slot = _slots[shard.Index];
        var rest = new List<string>();
        for (var i = 2; i < args.Count; i++)
        {
            if (args[i] == "--out")
            {
                i++; // each process writes where it runs, and uploads into the coordinator's folder
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        string scenarioJson;
        try
        {
            scenarioJson = File.ReadAllText(parsed.ScenarioPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"{parsed.ScenarioPath}: {e.Message}", e);
        }

        lock (_gate)
        {
            slot.Assignment = new LoadAssignment(shard.ToString(), scenarioJson, rest);
            slot.Directory = parsed.OutDir ?? throw new ArgumentException("a load process's arguments carry --out", nameof(args));
        }

        var input = new LineCallbackWriter(line =>
        {
            if (ShardStartHandshake.ParseStart(line) is { } at)
            {
                lock (_gate)
                {
                    slot.StartAtUnixMs = at.ToUnixTimeMilliseconds();
                }
            }
        });
        return new LoadProcessHandle
        {
            Output = slot.Output,
            Input = input,
            Exited = slot.Exited.Task,
            Errors = slot.Errors.Task,
            Kill = () => End(slot, -1, "stopped by the coordinator"),
            Stop = () =>
            {
                lock (_gate)
                {
                    slot.Stop = true;
                }
            },
        };
    }

    /// <summary>Gives a process a share: the one it already has (a retried registration), else the first free one.</summary>
    /// <returns>The assignment, or the HTTP status and error that refuse it (400 malformed, 409 every share taken, 503 not yet).</returns>
    public (int Shard, LoadAssignment? Assignment, int Status, string? Error) Register(LoadRegisterRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ProtocolVersion != RemoteLoadProtocol.Version)
        {
            return (-1, null, 400, $"protocol version {request.ProtocolVersion} is not {RemoteLoadProtocol.Version}: run the same chatsim version on every machine");
        }

        if (string.IsNullOrWhiteSpace(request.Instance) || request.Instance.Length > 200 || request.Host is null || request.Host.Length > 200)
        {
            return (-1, null, 400, "instance must be a non-empty id and host a name of at most 200 characters");
        }

        Slot? slot;
        lock (_gate)
        {
            slot = _slots.FirstOrDefault(s => s.Instance == request.Instance)
                   ?? _slots.FirstOrDefault(s => s.Instance is null && s.Assignment is not null && !s.Exited.Task.IsCompleted);
            if (slot is null)
            {
                return _slots.Any(s => s.Instance is null && !s.Exited.Task.IsCompleted)
                    ? (-1, null, 503, "the run is not ready for load processes yet (its server is starting); retry")
                    : (-1, null, 409, $"all {_slots.Length} load processes of this run are registered");
            }

            var first = slot.Instance is null;
            slot.Instance = request.Instance;
            slot.Name = string.Create(CultureInfo.InvariantCulture, $"{slot.Shard} ({request.Host} pid {request.Pid})");
            slot.Host = request.Host;
            slot.LastHeard = _time.GetTimestamp();
            if (first)
            {
                _progress.WriteLine($"  load process {slot.Name} registered");
            }
        }

        return (slot.Shard.Index, slot.Assignment, 200, null);
    }

    /// <summary>A clock measurement as a process reported it: both numbers, finite, the bound not negative; null (ignored) otherwise.</summary>
    private static (double OffsetMs, double UncertaintyMs)? Measured(double? offsetMs, double? uncertaintyMs) =>
        offsetMs is { } offset && uncertaintyMs is { } uncertainty && double.IsFinite(offset) && double.IsFinite(uncertainty) && uncertainty >= 0
            ? (offset, uncertainty)
            : null;

    /// <summary>A poll: forwards its lines as the process's output and answers its standing orders; null for a share nobody registered.</summary>
    public LoadOrders? Poll(int shard, LoadPoll poll)
    {
        ArgumentNullException.ThrowIfNull(poll);
        if (Registered(shard) is not { } slot)
        {
            return null;
        }

        lock (_gate)
        {
            slot.LastHeard = _time.GetTimestamp();
            if (slot.Clock is null && Measured(poll.ClockOffsetMs, poll.ClockUncertaintyMs) is { } start)
            {
                slot.Clock = new ProcessClock($"load process {slot.Shard}", slot.Host, start.OffsetMs, start.UncertaintyMs);
                _progress.WriteLine($"  {slot.Clock.Describe()}");
            }

            if (slot.Clock is not null && Measured(poll.EndClockOffsetMs, poll.EndClockUncertaintyMs) is { } end)
            {
                slot.Clock = slot.Clock with { EndOffsetMs = end.OffsetMs, EndUncertaintyMs = end.UncertaintyMs };
            }

            foreach (var line in poll.Lines ?? [])
            {
                slot.Output.Add(line ?? "");
            }

            // A share that ended without its result (killed, failed, lost) is over: a process still polling for it
            // must not run on, nor upload.
            var abort = slot.Exited.Task.IsCompleted && !slot.ResultIn;
            if (abort)
            {
                slot.AbortSeen.TrySetResult();
            }

            return new LoadOrders(slot.StartAtUnixMs, slot.Stop, abort);
        }
    }

    /// <summary>The clocks the registered processes reported, in share order.</summary>
    public IReadOnlyList<ProcessClock> Clocks()
    {
        lock (_gate)
        {
            return [.. _slots.Select(s => s.Clock).OfType<ProcessClock>()];
        }
    }

    /// <summary>Where share <paramref name="shard"/>'s files go, if a process registered for it and it has not ended; else why not.</summary>
    public (string? Directory, int Status, string? Error) UploadTarget(int shard, bool result)
    {
        if (Registered(shard) is not { } slot)
        {
            return (null, 404, $"load process {shard} is not registered");
        }

        lock (_gate)
        {
            slot.LastHeard = _time.GetTimestamp();
            if (slot.Exited.Task.IsCompleted)
            {
                return (null, 409, $"load process {slot.Name} has already ended in this run");
            }

            return result && !slot.HistoryIn
                ? (null, 409, "upload the history before the result")
                : (slot.Directory, 200, null);
        }
    }

    /// <summary>The history of share <paramref name="shard"/> is in its folder.</summary>
    public void HistoryUploaded(int shard)
    {
        lock (_gate)
        {
            _slots[shard].HistoryIn = true;
        }
    }

    /// <summary>Share <paramref name="shard"/>'s result is in its folder: its process ended with <paramref name="exitCode"/>.</summary>
    public void ResultUploaded(int shard, int exitCode)
    {
        var slot = _slots[shard];
        lock (_gate)
        {
            slot.ResultIn = true;
        }

        End(slot, exitCode, null);
    }

    /// <summary>
    /// Waits, at most <paramref name="bound"/>, until every registered process whose share ended without a result has
    /// polled once since and so learned that the run is over for it: the API must outlive that poll, or such a process
    /// would run on until it found the coordinator gone.
    /// </summary>
    public async Task TellTheAbortedAsync(TimeSpan bound)
    {
        Task[] waits;
        lock (_gate)
        {
            // Not the lost, nor those that said they failed: they poll no more.
            waits = [.. _slots.Where(s => s.Instance is not null && !s.ResultIn && !s.Failed && !s.Lost).Select(s => s.AbortSeen.Task)];
        }

        try
        {
            await Task.WhenAll(waits).WaitAsync(bound, _time);
        }
        catch (TimeoutException)
        {
            // Gone already, or unreachable: it finds the coordinator gone on its own.
        }
    }

    /// <summary>The process of share <paramref name="shard"/> could not run it: the run fails with <paramref name="error"/>.</summary>
    public bool Failed(int shard, string error)
    {
        if (Registered(shard) is not { } slot)
        {
            return false;
        }

        lock (_gate)
        {
            slot.Failed = true;
        }

        End(slot, -1, error);
        return true;
    }

    public void Dispose()
    {
        _watch.Dispose();
        foreach (var slot in _slots)
        {
            End(slot, -1, "the run ended without it");
        }
    }

    private Slot? Registered(int shard)
    {
        lock (_gate)
        {
            return shard >= 0 && shard < _slots.Length && _slots[shard].Instance is not null ? _slots[shard] : null;
        }
    }

    private static void End(Slot slot, int exitCode, string? error)
    {
        if (slot.Exited.TrySetResult(exitCode))
        {
            slot.Errors.TrySetResult(error ?? "");
            slot.Output.Complete(); // the runner's read of its output ends, as at a process's exit
        }
    }

    /// <summary>A registered process not heard from for <see cref="RemoteLoadProtocol.LostAfter"/> is gone: the run fails, naming it.</summary>
    private void FindLost()
    {
        List<Slot> lost;
        lock (_gate)
        {
            lost = [.. _slots.Where(s => s.Instance is not null && !s.Exited.Task.IsCompleted && _time.GetElapsedTime(s.LastHeard) > RemoteLoadProtocol.LostAfter)];
        }

        foreach (var slot in lost)
        {
            lock (_gate)
            {
                slot.Lost = true;
            }

            End(slot, -1, $"no word from load process {slot.Name} for {RemoteLoadProtocol.LostAfter.TotalSeconds:0} s (its machine, its network, or the process is gone)");
        }
    }

    private sealed class Slot(LoadShard shard)
    {
        public LoadShard Shard { get; } = shard;
        public LoadAssignment? Assignment { get; set; }
        public string? Directory { get; set; }
        public string? Instance { get; set; }
        public string Name { get; set; } = shard.ToString();
        public string Host { get; set; } = "";
        public ProcessClock? Clock { get; set; }
        public long LastHeard { get; set; }
        public long? StartAtUnixMs { get; set; }
        public bool Stop { get; set; }
        public bool Abort { get; set; }
        public bool HistoryIn { get; set; }
        public bool ResultIn { get; set; }

        /// <summary>The process said it failed: it is not polling any more.</summary>
        public bool Failed { get; set; }

        /// <summary>Not heard from for <see cref="RemoteLoadProtocol.LostAfter"/>: not expected to poll again.</summary>
        public bool Lost { get; set; }

        public TaskCompletionSource AbortSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LineChannelReader Output { get; } = new();
        public TaskCompletionSource<int> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<string> Errors { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
