using ChatResilience.Simulator.History;
using HdrHistogram;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// Delivery latency on HdrHistogram, measured from the workload's intended send time (no coordinated omission: a
/// send the client could only make late still counts from when it was meant to go). Messages composed online and
/// offline are kept apart — an offline message's latency is its reconciliation time, dominated by how long the
/// client was away. Thread-safe; recorders of several workers merge with <see cref="Add"/>.
/// </summary>
public sealed class LatencyRecorder
{
    /// <summary>Largest latency tracked exactly: one day; larger values are recorded as this.</summary>
    public const long HighestTrackableMs = 86_400_000;

    private readonly Lock _lock = new();
    private readonly LongHistogram _online = new(HighestTrackableMs, 3);
    private readonly LongHistogram _offline = new(HighestTrackableMs, 3);

    // Two significant digits per second: enough for a plot, a few KB per bucket.
    private readonly SortedDictionary<long, LongHistogram> _perSecond = [];

    /// <summary>Records one delivery of an online-composed message that happened at <paramref name="atMs"/>.</summary>
    public void RecordOnline(long latencyMs, long atMs)
    {
        var value = Math.Clamp(latencyMs, 0, HighestTrackableMs);
        lock (_lock)
        {
            _online.RecordValue(value);
            if (!_perSecond.TryGetValue(atMs / 1000, out var bucket))
            {
                _perSecond[atMs / 1000] = bucket = new LongHistogram(HighestTrackableMs, 2);
            }

            bucket.RecordValue(value);
        }
    }

    /// <summary>Records one delivery of a message composed while its sender was offline.</summary>
    public void RecordOffline(long latencyMs)
    {
        lock (_lock)
        {
            _offline.RecordValue(Math.Clamp(latencyMs, 0, HighestTrackableMs));
        }
    }

    /// <summary>Online delivery latency.</summary>
    public LatencyPercentiles Online()
    {
        lock (_lock)
        {
            return Percentiles(_online);
        }
    }

    /// <summary>Offline reconciliation time (intended send to delivery of offline-composed messages).</summary>
    public LatencyPercentiles Offline()
    {
        lock (_lock)
        {
            return Percentiles(_offline);
        }
    }

    /// <summary>Online latency percentiles per second of the run, for the report's plot.</summary>
    public IReadOnlyList<LatencySecond> PerSecond()
    {
        lock (_lock)
        {
            return [.. _perSecond.Select(p => new LatencySecond
            {
                Second = p.Key,
                Count = p.Value.TotalCount,
                P50 = p.Value.GetValueAtPercentile(50),
                P90 = p.Value.GetValueAtPercentile(90),
                P99 = p.Value.GetValueAtPercentile(99),
                Max = p.Value.GetMaxValue(),
            })];
        }
    }

    /// <summary>Adds everything <paramref name="other"/> recorded (another worker's recorder).</summary>
    public void Add(LatencyRecorder other)
    {
        ArgumentNullException.ThrowIfNull(other);
        lock (other._lock)
        {
            lock (_lock)
            {
                _online.Add(other._online);
                _offline.Add(other._offline);
                foreach (var (second, histogram) in other._perSecond)
                {
                    if (!_perSecond.TryGetValue(second, out var bucket))
                    {
                        _perSecond[second] = bucket = new LongHistogram(HighestTrackableMs, 2);
                    }

                    bucket.Add(histogram);
                }
            }
        }
    }

    /// <summary>
    /// Latency of every delivery to a reader other than the sender: delivery time minus the intended time of the
    /// matching <see cref="SendAcceptedEvent"/> (same sender client and message id).
    /// </summary>
    public static LatencyRecorder FromHistory(RecordedHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var recorder = new LatencyRecorder();
        var sends = new Dictionary<(string ClientId, string MessageId), (long IntendedAtMs, bool Offline)>();
        foreach (var e in history.Events)
        {
            switch (e)
            {
                case SendAcceptedEvent s:
                    sends.TryAdd((s.ClientId, s.MessageId), (s.IntendedAtMs, s.Offline));
                    break;
                case DeliveredEvent d when !string.Equals(d.ClientId, d.SenderClientId, StringComparison.Ordinal)
                                           && sends.TryGetValue((d.SenderClientId, d.MessageId), out var send):
                    if (send.Offline)
                    {
                        recorder.RecordOffline(d.AtMs - send.IntendedAtMs);
                    }
                    else
                    {
                        recorder.RecordOnline(d.AtMs - send.IntendedAtMs, d.AtMs);
                    }

                    break;
            }
        }

        return recorder;
    }

    private static LatencyPercentiles Percentiles(LongHistogram h) => h.TotalCount == 0
        ? new LatencyPercentiles()
        : new LatencyPercentiles
        {
            Count = h.TotalCount,
            P50 = h.GetValueAtPercentile(50),
            P90 = h.GetValueAtPercentile(90),
            P99 = h.GetValueAtPercentile(99),
            P999 = h.GetValueAtPercentile(99.9),
            Max = h.GetMaxValue(),
        };
}
