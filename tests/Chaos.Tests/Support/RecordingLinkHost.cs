using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Tests.Support;

/// <summary>A link host that records each write (with the fake time it happened at) and each close.</summary>
internal sealed class RecordingLinkHost(TimeProvider time) : IToxicLinkHost
{
    private readonly long _start = time.GetTimestamp();
    private readonly Lock _sync = new();
    private readonly List<(TimeSpan At, byte[] Data)> _writes = [];
    private readonly List<(TimeSpan At, string Reason)> _closes = [];

    public IReadOnlyList<(TimeSpan At, byte[] Data)> Writes
    {
        get
        {
            lock (_sync)
            {
                return _writes.ToList();
            }
        }
    }

    public IReadOnlyList<(TimeSpan At, string Reason)> Closes
    {
        get
        {
            lock (_sync)
            {
                return _closes.ToList();
            }
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            _writes.Add((time.GetElapsedTime(_start), data.ToArray()));
        }

        return ValueTask.CompletedTask;
    }

    public void CloseConnection(string reason)
    {
        lock (_sync)
        {
            _closes.Add((time.GetElapsedTime(_start), reason));
        }
    }
}
