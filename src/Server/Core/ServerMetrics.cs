using System.Diagnostics.Metrics;

namespace ChatResilience.Server.Core;

/// <summary>
/// The server's instruments (System.Diagnostics.Metrics, OpenTelemetry names with units). Recording never
/// throws. <see cref="BroadcastEncodes"/> is also kept as a plain counter so tests can count serialisations.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    /// <summary>The meter name exported at <c>/metrics</c>.</summary>
    public const string MeterName = "ChatResilience.Server";

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _framesIn;
    private readonly Counter<long> _framesOut;
    private readonly Counter<long> _acks;
    private readonly Counter<long> _dups;
    private readonly Counter<long> _nacks;
    private readonly Counter<long> _slowConsumerCloses;
    private readonly Counter<long> _encodes;
    private readonly Histogram<long> _replaySize;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<double> _schedulingLag;
    private long _broadcastEncodes;

    public ServerMetrics(IMeterFactory? meterFactory, Func<long>? queueDepth = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _connections = _meter.CreateUpDownCounter<long>("chat.server.connections", "{connection}", "Open connections");
        _framesIn = _meter.CreateCounter<long>("chat.server.frames.in", "{frame}", "Frames received");
        _framesOut = _meter.CreateCounter<long>("chat.server.frames.out", "{frame}", "Frames sent");
        _acks = _meter.CreateCounter<long>("chat.server.acks", "{ack}", "Sends acked (first time)");
        _dups = _meter.CreateCounter<long>("chat.server.dups", "{ack}", "Replayed sends answered from their recorded outcome");
        _nacks = _meter.CreateCounter<long>("chat.server.nacks", "{nack}", "Sends refused, by code");
        _slowConsumerCloses = _meter.CreateCounter<long>("chat.server.slow_consumer.closes", "{close}", "Connections closed 4409");
        _encodes = _meter.CreateCounter<long>("chat.server.broadcast.encodes", "{encode}", "Broadcast msg serialisations");
        _replaySize = _meter.CreateHistogram<long>("chat.server.replay.size", "{msg}", "Messages replayed per join or resume");
        _commitDuration = _meter.CreateHistogram<double>("chat.server.commit.duration", "s", "Log commit latency");
        _schedulingLag = _meter.CreateHistogram<double>("chat.server.scheduling.lag", "s", "How late the server's once-a-second tick ran (thread pool and CPU saturation)");
        if (queueDepth is not null)
        {
            _meter.CreateObservableGauge("chat.server.queue.depth", queueDepth, "{frame}", "Queued msg frames across connections");
        }
    }

    /// <summary>Broadcast serialisations so far (each stored message is encoded once for all recipients).</summary>
    public long BroadcastEncodes => Interlocked.Read(ref _broadcastEncodes);

    internal void ConnectionOpened() => _connections.Add(1);

    internal void ConnectionClosed() => _connections.Add(-1);

    internal void FrameIn() => _framesIn.Add(1);

    internal void FrameOut() => _framesOut.Add(1);

    internal void Ack(bool dup)
    {
        if (dup)
        {
            _dups.Add(1);
        }
        else
        {
            _acks.Add(1);
        }
    }

    internal void Nack(string code) => _nacks.Add(1, new KeyValuePair<string, object?>("code", code));

    internal void SlowConsumerClosed() => _slowConsumerCloses.Add(1);

    internal void BroadcastEncoded()
    {
        Interlocked.Increment(ref _broadcastEncodes);
        _encodes.Add(1);
    }

    internal void Replayed(long messages) => _replaySize.Record(messages);

    /// <summary>This server's meter (one per host: a process may run several).</summary>
    internal Meter Meter => _meter;

    internal void Committed(TimeSpan duration) => _commitDuration.Record(duration.TotalSeconds);

    internal void SchedulingLagged(TimeSpan lag) => _schedulingLag.Record(lag.TotalSeconds);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
