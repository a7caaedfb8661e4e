using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Reports;
using HdrHistogram;

namespace ChatResilience.Simulator.Load;

/// <summary>Cuts a load run into fixed windows from the ramp start (pure: history, connects and samples in, windows out).</summary>
public static class LoadWindowBuilder
{
    /// <param name="events">The run's history (times in recorder ms).</param>
    /// <param name="originMs">Recorder time of the ramp start; every window is relative to it.</param>
    /// <param name="connects">The ramp's connects (times relative to the ramp start).</param>
    /// <param name="samples">Once-a-second samples (times relative to the ramp start).</param>
    /// <param name="window">Window width.</param>
    /// <param name="endMs">End of the last window, ms since the ramp start (the load's end).</param>
    /// <param name="joinedAtMs">
    /// Client id → when it first joined, ms since the ramp start; a delivery counts for latency only when its reader
    /// had joined by the message's intended send time (a later joiner gets the message as backfill, which is not
    /// delivery latency). Null counts every delivery.
    /// </param>
    public static IReadOnlyList<LoadWindow> Build(
        IReadOnlyList<HistoryEvent> events,
        long originMs,
        IReadOnlyList<ConnectRecord> connects,
        IReadOnlyList<LoadSample> samples,
        TimeSpan window,
        long endMs,
        IReadOnlyDictionary<string, long>? joinedAtMs = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(connects);
        ArgumentNullException.ThrowIfNull(samples);
        var widthMs = (long)window.TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(widthMs, 1);
        var count = (int)Math.Max(1, (endMs + widthMs - 1) / widthMs);
        var w = Enumerable.Range(0, count).Select(_ => new Acc()).ToArray();
        int? Slot(long relMs) => relMs < 0 || relMs >= (long)count * widthMs ? null : (int)(relMs / widthMs);

        foreach (var c in connects)
        {
            if (Slot(c.StartMs) is { } i)
            {
                if (c.ConnectMs is { } ms)
                {
                    w[i].Connect.RecordValue(Math.Clamp(ms, 0, LatencyRecorder.HighestTrackableMs));
                }
                else
                {
                    w[i].Errors++;
                }

                // A connect the end of the run cut off says nothing about the server: out of the error share.
                if (c.JoinedMs is not null || c.Failed)
                {
                    w[i].ConnectsStarted++;
                    w[i].ConnectErrors += c.Failed ? 1 : 0;
                }
            }
        }

        var sends = new Dictionary<(string, string), (long IntendedRel, long AcceptedRel, bool Offline)>();
        foreach (var e in events)
        {
            var rel = e.AtMs - originMs;
            switch (e)
            {
                case SendAcceptedEvent s:
                    sends.TryAdd((s.ClientId, s.MessageId), (s.IntendedAtMs - originMs, rel, s.Offline));
                    if (Slot(rel) is { } si)
                    {
                        w[si].Sent++;
                    }

                    break;
                case SendRefusedEvent when Slot(rel) is { } ri:
                    w[ri].Refused++;
                    break;
                case AckedEvent a:
                    if (Slot(rel) is { } ai)
                    {
                        w[ai].Acked++;
                    }

                    if (sends.TryGetValue((a.ClientId, a.MessageId), out var acked) && Slot(acked.AcceptedRel) is { } settleSlot && !acked.Offline)
                    {
                        w[settleSlot].Settle.RecordValue(Math.Clamp(rel - acked.AcceptedRel, 0, LatencyRecorder.HighestTrackableMs));
                    }

                    break;
                case FailedEvent when Slot(rel) is { } fi:
                    w[fi].Errors++;
                    break;
                case DeliveredEvent d when !string.Equals(d.ClientId, d.SenderClientId, StringComparison.Ordinal):
                    if (Slot(rel) is { } di)
                    {
                        w[di].Delivered++;
                    }

                    if (sends.TryGetValue((d.SenderClientId, d.MessageId), out var sent) && !sent.Offline && Slot(sent.IntendedRel) is { } li
                        && IsLive(joinedAtMs, d.ClientId, sent.IntendedRel))
                    {
                        w[li].Delivery.RecordValue(Math.Clamp(rel - sent.IntendedRel, 0, LatencyRecorder.HighestTrackableMs));
                    }

                    break;
            }
        }

        foreach (var s in samples)
        {
            // A sample at the window's end boundary describes that window (it is taken after the window's last second).
            var i = s.AtMs > 0 && s.AtMs % widthMs == 0 ? Slot(s.AtMs - 1) : Slot(s.AtMs);
            if (i is not { } k)
            {
                continue;
            }

            var a = w[k];
            a.Sampled = true;
            a.Connections = Math.Max(a.Connections, s.Connected);
            a.Started = Math.Max(a.Started, s.Started);
            if (s.Joined > 0)
            {
                a.ConnectedMin = Math.Min(a.ConnectedMin, (double)s.Connected / s.Joined);
                a.ConnectedSamples++;
            }

            a.Cpu = Max(a.Cpu, s.ServerCpuPercent);
            a.Memory = Max(a.Memory, s.ServerMemoryBytes);
            a.HarnessLagMaxMs = Math.Max(a.HarnessLagMaxMs, s.HarnessLagMs);
        }

        // A window no sample fell into (one as wide as the sampling period, when a tick runs a little late) carries the
        // load of the window before it: the break table must not say "broke at 0 connections".
        for (var i = 1; i < w.Length; i++)
        {
            if (!w[i].Sampled)
            {
                w[i].Connections = w[i - 1].Connections;
                w[i].Started = w[i - 1].Started;
            }
        }

        return [.. w.Select((a, i) =>
        {
        // The last window may be cut short by the end of the load: its rates are per second of its own length.
        var startMs = i * widthMs;
        var endOfWindowMs = Math.Min((i + 1) * widthMs, Math.Max(endMs, startMs + 1));
        var seconds = (endOfWindowMs - startMs) / 1000.0;
        return new LoadWindow
        {
            Index = i,
            StartS = startMs / 1000.0,
            EndS = endOfWindowMs / 1000.0,
            Connections = a.Connections,
            Started = a.Started,
            SentPerSecond = Math.Round(a.Sent / seconds, 3),
            AckedPerSecond = Math.Round(a.Acked / seconds, 3),
            DeliveredPerSecond = Math.Round(a.Delivered / seconds, 3),
            ConnectP50Ms = P(a.Connect, 50),
            ConnectP99Ms = P(a.Connect, 99),
            ConnectSamples = a.Connect.TotalCount,
            Errors = a.Errors,
            ConnectErrorFraction = a.ConnectsStarted == 0 ? double.NaN : (double)a.ConnectErrors / a.ConnectsStarted,
            ConnectsStarted = a.ConnectsStarted,
            DeliveryP50Ms = P(a.Delivery, 50),
            DeliveryP99Ms = P(a.Delivery, 99),
            DeliverySamples = a.Delivery.TotalCount,
            SettleP99Ms = P(a.Settle, 99),
            SettleSamples = a.Settle.TotalCount,
            RefusedFraction = a.Sent + a.Refused == 0 ? double.NaN : (double)a.Refused / (a.Sent + a.Refused),
            RefusedSamples = a.Sent + a.Refused,
            ConnectedFractionMin = a.ConnectedSamples == 0 ? double.NaN : a.ConnectedMin,
            ConnectedSamples = a.ConnectedSamples,
            ServerCpuPercent = a.Cpu,
            ServerMemoryBytes = a.Memory,
            HarnessLagMaxMs = a.HarnessLagMaxMs,
        };
        })];
    }

    /// <summary>True when the reader had joined by the intended send time (or joins are unknown).</summary>
    public static bool IsLive(IReadOnlyDictionary<string, long>? joinedAtMs, string readerClientId, long intendedRelMs) =>
        joinedAtMs is null || (joinedAtMs.TryGetValue(readerClientId, out var joined) && joined <= intendedRelMs);

    /// <summary>
    /// Online delivery latency of the whole load (HdrHistogram from the intended send time), counting only readers
    /// that had joined by then — the load counterpart of <see cref="LatencyRecorder.FromHistory"/>.
    /// </summary>
    public static LatencyRecorder Latency(IReadOnlyList<HistoryEvent> events, long originMs, IReadOnlyDictionary<string, long>? joinedAtMs)
    {
        ArgumentNullException.ThrowIfNull(events);
        var recorder = new LatencyRecorder();
        var sends = new Dictionary<(string, string), (long IntendedRel, bool Offline)>();
        foreach (var e in events)
        {
            switch (e)
            {
                case SendAcceptedEvent s:
                    sends.TryAdd((s.ClientId, s.MessageId), (s.IntendedAtMs - originMs, s.Offline));
                    break;
                case DeliveredEvent d when !string.Equals(d.ClientId, d.SenderClientId, StringComparison.Ordinal)
                                           && sends.TryGetValue((d.SenderClientId, d.MessageId), out var sent)
                                           && !sent.Offline && IsLive(joinedAtMs, d.ClientId, sent.IntendedRel):
                    recorder.RecordOnline(e.AtMs - originMs - sent.IntendedRel, e.AtMs - originMs);
                    break;
            }
        }

        return recorder;
    }

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static double P(LongHistogram h, double percentile) => h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile);

    private sealed class Acc
    {
        // Two significant digits: a window's percentiles within 1 %, a few KB each.
        public LongHistogram Connect { get; } = new(LatencyRecorder.HighestTrackableMs, 2);
        public LongHistogram Delivery { get; } = new(LatencyRecorder.HighestTrackableMs, 2);
        public LongHistogram Settle { get; } = new(LatencyRecorder.HighestTrackableMs, 2);
        public long Sent { get; set; }
        public long Acked { get; set; }
        public long Delivered { get; set; }
        public long Refused { get; set; }
        public long Errors { get; set; }
        public long ConnectsStarted { get; set; }
        public long ConnectErrors { get; set; }
        public bool Sampled { get; set; }
        public int Connections { get; set; }
        public int Started { get; set; }
        public double ConnectedMin { get; set; } = 1;
        public long ConnectedSamples { get; set; }
        public double? Cpu { get; set; }
        public double? Memory { get; set; }
        public long HarnessLagMaxMs { get; set; }
    }
}
