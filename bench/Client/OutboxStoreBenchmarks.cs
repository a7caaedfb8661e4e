using BenchmarkDotNet.Attributes;
using ChatResilience.Client.Outbox;

namespace ChatResilience.Bench.Client;

/// <summary>Which outbox store a suite runs against.</summary>
public enum OutboxKind
{
    /// <summary><see cref="InMemoryOutboxStore"/>.</summary>
    InMemory,

    /// <summary><see cref="SqliteOutboxStore"/> (WAL, synchronous=NORMAL, group commit).</summary>
    Sqlite,
}

/// <summary>
/// Outbox append and append+settle throughput. <c>Concurrency</c> is how many appends are in flight at
/// once (one client sending as fast as it can = 1; a burst, or many senders sharing a store = 64): group
/// commit turns concurrent appends into one SQLite transaction. Ops/s = 1 / Mean.
/// <c>Append</c> settles what it appended after each iteration, outside the measurement: otherwise the store
/// grows by millions of entries over the default job's iterations and the run measures a growing heap (the
/// in-memory case slowed from 1 to 10 µs per append within a dozen iterations). BenchmarkDotNet therefore runs
/// <c>Append</c> with one invocation (1,024 appends) per iteration.
/// </summary>
[MemoryDiagnoser]
public class OutboxStoreBenchmarks
{
    private const int Batch = 1024;
    private static readonly OutboxDraft Draft = new("0123456789abcdef01234567", "room-1", new string('x', 120), null, 1_764_000_000_000, 42);
    private readonly List<Task<OutboxEntry>> _tasks = new(Batch);
    private readonly List<long> _appended = new(Batch);
    private IOutboxStore _store = null!;
    private string? _path;

    [Params(OutboxKind.InMemory, OutboxKind.Sqlite)]
    public OutboxKind Kind { get; set; }

    [Params(1, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Kind == OutboxKind.Sqlite)
        {
            _path = Path.Combine(Path.GetTempPath(), $"outbox-bench-{Guid.NewGuid():N}.db");
            _store = SqliteOutboxStore.Open(new SqliteOutboxOptions { Path = _path });
        }
        else
        {
            _store = new InMemoryOutboxStore();
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _store.DisposeAsync();
        if (_path is not null)
        {
            SqliteFiles.Delete(_path);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Append()
    {
        for (var i = 0; i < Batch; i += Concurrency)
        {
            _tasks.Clear();
            for (var j = 0; j < Concurrency; j++)
            {
                _tasks.Add(_store.AppendAsync(Draft, int.MaxValue).AsTask());
            }

            foreach (var entry in await Task.WhenAll(_tasks))
            {
                _appended.Add(entry.Seq);
            }
        }
    }

    [IterationCleanup(Target = nameof(Append))]
    public void SettleAppended()
    {
        Task.WhenAll(_appended.Select(seq => _store.SettleAsync(seq).AsTask())).GetAwaiter().GetResult();
        _appended.Clear();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task AppendThenSettle()
    {
        for (var i = 0; i < Batch; i += Concurrency)
        {
            _tasks.Clear();
            for (var j = 0; j < Concurrency; j++)
            {
                _tasks.Add(_store.AppendAsync(Draft, int.MaxValue).AsTask());
            }

            var entries = await Task.WhenAll(_tasks);
            var settles = new Task[entries.Length];
            for (var j = 0; j < entries.Length; j++)
            {
                settles[j] = _store.SettleAsync(entries[j].Seq).AsTask();
            }

            await Task.WhenAll(settles);
        }
    }
}
