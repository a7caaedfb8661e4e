using BenchmarkDotNet.Attributes;
using ChatResilience.Server.Storage;

namespace ChatResilience.Bench.Server;

/// <summary>
/// The in-memory log's packed room list (<see cref="PackedMessageList"/>): what packing a message costs on the
/// send path (<c>Add</c>, 1,024 messages into a fresh list per invocation, the bench's 110-character body) and
/// what decoding one costs on a replay (<c>Get</c>). The gain it buys is the collector's, measured in the
/// send→ack load run (bench/results/server-throughput.md), not here.
/// </summary>
[MemoryDiagnoser]
public class PackedMessageListBenchmarks
{
    private const int Batch = 1024;
    private readonly StoredMessage[] _messages = new StoredMessage[Batch];
    private PackedMessageList _filled = null!;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < Batch; i++)
        {
            _messages[i] = new StoredMessage
            {
                Room = "load-1-0", Epoch = 1, Seq = i + 1, Id = $"m17-{i + 1}", From = "u1-17", ClientId = "c1-17", ClientSeq = i + 1,
                Body = new string('b', 110), SentAt = 1_800_000_000_000, Basis = 0, At = 1_800_000_000_123,
            };
        }

        _filled = new PackedMessageList();
        foreach (var m in _messages)
        {
            _filled.Add(m);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Add()
    {
        var list = new PackedMessageList();
        foreach (var m in _messages)
        {
            list.Add(m);
        }

        return list.Count;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Get()
    {
        long sum = 0;
        for (var seq = 1; seq <= Batch; seq++)
        {
            sum += _filled.Get(seq).ClientSeq;
        }

        return sum;
    }
}
