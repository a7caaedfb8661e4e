using System.Diagnostics.Metrics;

namespace ChatResilience.Client.Diagnostics;

/// <summary>
/// The client's instruments (OpenTelemetry names with units, STYLE.md habit 8). Without a meter factory
/// every instrument is null and recording is a no-op, so thousands of simulated clients pay nothing.
/// </summary>
internal sealed class ClientMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "ChatResilience.Client";

    private readonly Counter<long>? _reconnects;
    private readonly UpDownCounter<long>? _outboxDepth;
    private readonly Histogram<double>? _ackDuration;
    private readonly Counter<long>? _replayed;
    private readonly Counter<long>? _duplicates;

    public ClientMetrics(IMeterFactory? factory)
    {
        if (factory is null)
        {
            return;
        }

        var meter = factory.Create(MeterName);
        _reconnects = meter.CreateCounter<long>("chat.client.reconnects", "{reconnect}", "Reconnect attempts scheduled");
        _outboxDepth = meter.CreateUpDownCounter<long>("chat.client.outbox.depth", "{message}", "Unsettled messages in outboxes");
        _ackDuration = meter.CreateHistogram<double>("chat.client.ack.duration", "s", "From first send to ack");
        _replayed = meter.CreateCounter<long>("chat.client.replayed", "{message}", "Outbox messages sent again after a reconnect or rewind");
        _duplicates = meter.CreateCounter<long>("chat.client.msgs.duplicate", "{message}", "Received msg frames dropped as already held");
    }

    public void Reconnect() => _reconnects?.Add(1);

    public void OutboxDepth(long delta) => _outboxDepth?.Add(delta);

    public void AckLatency(TimeSpan elapsed) => _ackDuration?.Record(elapsed.TotalSeconds);

    public void Replayed() => _replayed?.Add(1);

    public void Duplicate() => _duplicates?.Add(1);
}
