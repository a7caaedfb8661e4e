namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// The coordinator's book of workers: registrations, last heartbeats, quiesce reports, uploads and the standing
/// command. Pure and thread-safe (one lock); the HTTP layer only translates. Times are the coordinator's run ms.
/// </summary>
internal sealed class CoordinatorState
{
    private readonly Lock _gate = new();
    private readonly Func<WorkerAssignment> _template;
    private readonly Func<long> _nowMs;
    private readonly Dictionary<int, Worker> _workers = [];
    private readonly Dictionary<string, int> _instances = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allRegistered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allQuiesceReports = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allResults = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allSawStop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _workerFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerCommand _command = new();

    /// <param name="shardCount">How many workers the run needs.</param>
    /// <param name="template">The assignment every worker gets (ids filled in per worker).</param>
    /// <param name="nowMs">The coordinator's run clock.</param>
    public CoordinatorState(int shardCount, Func<WorkerAssignment> template, Func<long> nowMs)
    {
        ShardCount = shardCount;
        _template = template;
        _nowMs = nowMs;
    }

    public int ShardCount { get; }

    /// <summary>Where uploaded histories spill their delivery rows; null keeps them in memory (the default).</summary>
    public string? HistorySpillDirectory { get; init; }

    public Task AllRegistered => _allRegistered.Task;

    public Task AllReady => _allReady.Task;

    public Task AllQuiesceReports => _allQuiesceReports.Task;

    public Task AllResults => _allResults.Task;

    /// <summary>Completes when every registered worker has received the stop order in a heartbeat answer.</summary>
    public Task AllSawStop => _allSawStop.Task;

    /// <summary>Completes with the first error a worker's result reports (its run failed): no point waiting for the rest.</summary>
    public Task<string> WorkerFailed => _workerFailed.Task;

    /// <summary>Registers a worker; null error means accepted.</summary>
    public (WorkerAssignment? Assignment, int Status, string? Error) Register(RegisterRequest request)
    {
        if (request.ProtocolVersion != WorkerProtocol.Version)
        {
            return (null, 400, $"protocol version {request.ProtocolVersion} is not supported; this coordinator speaks version {WorkerProtocol.Version}");
        }

        if (string.IsNullOrWhiteSpace(request.Instance) || request.Instance.Length > 128)
        {
            return (null, 400, "instance must be 1-128 characters (a unique id the worker picks)");
        }

        lock (_gate)
        {
            if (_instances.TryGetValue(request.Instance, out var existing))
            {
                return (null, 409, $"instance {request.Instance} is already registered as worker {existing}");
            }

            if (_workers.Count >= ShardCount)
            {
                return (null, 409, $"all {ShardCount} shards are taken");
            }

            var index = _workers.Count;
            var assignment = _template() with { WorkerId = index + 1, ShardIndex = index, ShardCount = ShardCount };
            _workers[assignment.WorkerId] = new Worker(assignment, request, _nowMs());
            _instances[request.Instance] = assignment.WorkerId;
            if (_workers.Count == ShardCount)
            {
                _allRegistered.TrySetResult();
            }

            return (assignment, 200, null);
        }
    }

    /// <summary>Records a heartbeat; null when the worker is unknown.</summary>
    public WorkerCommand? Heartbeat(int workerId, WorkerHeartbeat heartbeat)
    {
        lock (_gate)
        {
            if (!_workers.TryGetValue(workerId, out var w))
            {
                return null;
            }

            w.Last = heartbeat;
            w.LastSeenMs = _nowMs();
            if (_command.Stop)
            {
                w.SawStop = true;
                if (_workers.Values.All(x => x.SawStop))
                {
                    _allSawStop.TrySetResult();
                }
            }

            if (_workers.Count == ShardCount && _workers.Values.All(x => x.Last?.Phase is "ready" or "workload"))
            {
                _allReady.TrySetResult();
            }

            return _command;
        }
    }

    public bool Quiesce(int workerId, QuiesceReport report)
    {
        lock (_gate)
        {
            if (!_workers.TryGetValue(workerId, out var w))
            {
                return false;
            }

            w.LastSeenMs = _nowMs();
            w.Quiesce = report;
            if (_workers.Count == ShardCount && _workers.Values.All(x => x.Quiesce is not null))
            {
                _allQuiesceReports.TrySetResult();
            }

            return true;
        }
    }

    public bool History(int workerId, History.RecordedHistoryBuilder events)
    {
        lock (_gate)
        {
            if (!_workers.TryGetValue(workerId, out var w))
            {
                return false;
            }

            w.LastSeenMs = _nowMs();
            w.History = events;
            return true;
        }
    }

    /// <summary>Records a worker's result; the error says why it was refused (unknown worker, history missing, id mismatch).</summary>
    public string? Result(int workerId, WorkerResult result)
    {
        lock (_gate)
        {
            if (!_workers.TryGetValue(workerId, out var w))
            {
                return $"worker {workerId} is not registered";
            }

            if (result.WorkerId != workerId)
            {
                return $"result names worker {result.WorkerId} but was posted for worker {workerId}";
            }

            if (w.History is null)
            {
                return "upload the history (POST /v1/workers/{id}/history) before the result";
            }

            w.LastSeenMs = _nowMs();
            w.Result = result;
            if (result.HarnessError is { } error)
            {
                _workerFailed.TrySetResult($"worker {workerId}: {error}");
            }

            if (_workers.Count == ShardCount && _workers.Values.All(x => x.Result is not null))
            {
                _allResults.TrySetResult();
            }

            return null;
        }
    }

    public void Start(long atMs) => Update(c => c with { StartAtMs = atMs });

    public void SetQuiesceTargets(Dictionary<string, long> targets) => Update(c => c with { QuiesceTargets = targets });

    public void Stop(string? abort = null)
    {
        Update(c => c with { Stop = true, Abort = c.Abort ?? abort });
        lock (_gate)
        {
            if (_workers.Values.All(x => x.SawStop))
            {
                _allSawStop.TrySetResult();
            }
        }
    }

    /// <summary>The per-room target: the highest seq any worker's members delivered.</summary>
    public Dictionary<string, long> ComputeQuiesceTargets()
    {
        lock (_gate)
        {
            var targets = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var report in _workers.Values.Select(w => w.Quiesce).OfType<QuiesceReport>())
            {
                foreach (var (room, seq) in report.MaxDeliveredPerRoom)
                {
                    targets[room] = Math.Max(targets.GetValueOrDefault(room), seq);
                }
            }

            return targets;
        }
    }

    /// <summary>Workers not heard from for longer than <paramref name="limitMs"/>, described for the error; finished ones are exempt.</summary>
    public IReadOnlyList<string> Silent(long limitMs)
    {
        var now = _nowMs();
        lock (_gate)
        {
            return [.. _workers.Values.Where(w => w.Result is null && now - w.LastSeenMs > limitMs)
                .Select(w => $"worker {w.Assignment.WorkerId} (pid {w.Request.Pid} on {w.Request.Host ?? "?"}, phase {w.Last?.Phase ?? "registered"}) silent for {(now - w.LastSeenMs) / 1000.0:0.0} s")];
        }
    }

    /// <summary>The latest heartbeat of every worker.</summary>
    public IReadOnlyList<WorkerHeartbeat> Heartbeats()
    {
        lock (_gate)
        {
            return [.. _workers.Values.Select(w => w.Last).OfType<WorkerHeartbeat>()];
        }
    }

    /// <summary>Every worker's history and result (after <see cref="AllResults"/>).</summary>
    public IReadOnlyList<(WorkerResult Result, History.RecordedHistoryBuilder History)> Uploads()
    {
        lock (_gate)
        {
            return [.. _workers.Values.Where(w => w.Result is not null).OrderBy(w => w.Assignment.WorkerId).Select(w => (w.Result!, w.History ?? new History.RecordedHistoryBuilder()))];
        }
    }

    private void Update(Func<WorkerCommand, WorkerCommand> change)
    {
        lock (_gate)
        {
            _command = change(_command);
        }
    }

    private sealed class Worker(WorkerAssignment assignment, RegisterRequest request, long nowMs)
    {
        public WorkerAssignment Assignment { get; } = assignment;
        public RegisterRequest Request { get; } = request;
        public long LastSeenMs { get; set; } = nowMs;
        public WorkerHeartbeat? Last { get; set; }
        public QuiesceReport? Quiesce { get; set; }
        public History.RecordedHistoryBuilder? History { get; set; }
        public WorkerResult? Result { get; set; }
        public bool SawStop { get; set; }
    }
}
